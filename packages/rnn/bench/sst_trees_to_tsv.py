"""SST binary test set as GLUE-style TSV, for `nlpkit classify eval` on sentences no model was selected on.

Reads the PTB-format trees of the Stanford Sentiment Treebank (../shared/data/sst-trees/test.txt), drops neutral
roots (label 2), maps 0-1 to 0 and 3-4 to 1, and writes `sentence<TAB>label` with a header, the sentence as GLUE
writes it: leaves joined by spaces, lower-cased, -LRB-/-RRB- as ( and ), \\/ as /. 1,821 rows for test.txt; for
dev.txt the 872 rows are GLUE's dev.tsv exactly (its trailing space before the tab aside).

  /usr/bin/python3 packages/rnn/bench/sst_trees_to_tsv.py ../shared/data/sst-trees/test.txt > /tmp/sst2-test.tsv
"""
import re
import sys

LEAF = re.compile(r'\(\d+ ([^()]+)\)')


def main(path):
    out = ['sentence\tlabel']
    with open(path, encoding='utf-8') as f:
        for line in f:
            line = line.strip()
            if not line:
                continue
            root = int(line[1])
            if root == 2:
                continue
            words = [w.replace('-LRB-', '(').replace('-RRB-', ')').replace('\\/', '/').lower() for w in LEAF.findall(line)]
            out.append(f"{' '.join(words)}\t{0 if root < 2 else 1}")
    sys.stdout.write('\n'.join(out) + '\n')


if __name__ == '__main__':
    main(sys.argv[1])
