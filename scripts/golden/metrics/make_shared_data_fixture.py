"""Expected scores on the shared benchmark data, made with sacreBLEU 2.6 and seqeval 1.2 run from source.

Only numbers are written (packages/metrics/test/fixtures/shared_data_expected.json); the inputs are read from
../shared/data by the test itself and corrupted by the same deterministic rules written there:
- Multi30k test_2016_flickr.en (raw): segment i drops word 2 if i % 5 == 0, swaps words 1 and 3 if i % 3 == 0,
  and moves its last two words to the front if i % 7 == 0 (each only when the segment is long enough).
- WikiANN en test: every 13th tag (counting over the whole file) is replaced by a fixed map.

    SACREBLEU_SRC=/tmp/sacrebleu-src SEQEVAL_SRC=/tmp/seqeval-src \
      /usr/bin/python3 scripts/golden/metrics/make_shared_data_fixture.py

Never run in CI.
"""
import json
import os
import sys
import types
import warnings

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.join(HERE, '..', '..', '..')
DATA = os.path.join(ROOT, '..', 'shared', 'data')
OUT = os.path.join(ROOT, 'packages', 'metrics', 'test', 'fixtures', 'shared_data_expected.json')
warnings.filterwarnings('ignore')
sys.path.insert(0, os.environ.get('SACREBLEU_SRC', '/tmp/sacrebleu-src'))
sys.path.insert(0, os.environ.get('SEQEVAL_SRC', '/tmp/seqeval-src'))
version = types.ModuleType('sacrebleu.version')
version.__version__ = '2.6.0'
sys.modules['sacrebleu.version'] = version

from sacrebleu.metrics import BLEU, CHRF, TER  # noqa: E402
from seqeval.metrics import classification_report  # noqa: E402
from seqeval.scheme import IOB2  # noqa: E402


def corrupt(i, line):
    words = line.split(' ')
    if i % 5 == 0 and len(words) > 3:
        del words[2]
    if i % 3 == 0 and len(words) > 4:
        words[1], words[3] = words[3], words[1]
    if i % 7 == 0 and len(words) > 4:
        words = words[-2:] + words[:-2]
    return ' '.join(words)


def main():
    with open(os.path.join(DATA, 'multi30k', 'raw', 'test_2016_flickr.en'), encoding='utf-8') as fh:
        refs = fh.read().rstrip('\n').split('\n')
    hyps = [corrupt(i, r) for i, r in enumerate(refs)]
    mt = {
        'bleu_13a': BLEU().corpus_score(hyps, [refs]).score,
        'bleu_intl': BLEU(tokenize='intl').corpus_score(hyps, [refs]).score,
        'bleu_char': BLEU(tokenize='char').corpus_score(hyps, [refs]).score,
        'chrf2': CHRF().corpus_score(hyps, [refs]).score,
        'chrf2pp': CHRF(word_order=2).corpus_score(hyps, [refs]).score,
        'ter': TER().corpus_score(hyps, [refs]).score,
        'ter_normalized': TER(normalized=True).corpus_score(hyps, [refs]).score,
    }
    sent = BLEU(effective_order=True)
    mt['sentence_bleu'] = [sent.sentence_score(h, [r]).score for h, r in zip(hyps, refs)]

    swap = {'O': 'B-PER', 'B-PER': 'I-PER', 'I-PER': 'O', 'B-ORG': 'B-LOC', 'I-ORG': 'I-LOC', 'B-LOC': 'O',
            'I-LOC': 'I-ORG'}
    gold, sentence = [], []
    with open(os.path.join(DATA, 'wikiann-en', 'test'), encoding='utf-8') as fh:
        for line in fh.read().split('\n'):
            if line.strip() == '':
                if sentence:
                    gold.append(sentence)
                sentence = []
            else:
                sentence.append(line.split('\t')[1])
    if sentence:
        gold.append(sentence)
    k = 0
    pred = []
    for tags in gold:
        out = []
        for tag in tags:
            k += 1
            out.append(swap.get(tag, 'O') if k % 13 == 0 else tag)
        pred.append(out)
    ner = {
        'default': classification_report(gold, pred, output_dict=True),
        'strict_IOB2': classification_report(gold, pred, output_dict=True, mode='strict', scheme=IOB2),
    }
    ner = {m: {k: {kk: float(vv) if kk != 'support' else int(vv) for kk, vv in v.items()} for k, v in r.items()}
           for m, r in ner.items()}
    with open(OUT, 'w', encoding='utf-8') as fh:
        json.dump({'multi30k_test_2016_flickr_en': mt, 'wikiann_en_test': ner}, fh)
        fh.write('\n')
    print('wrote', os.path.normpath(OUT))


if __name__ == '__main__':
    main()
