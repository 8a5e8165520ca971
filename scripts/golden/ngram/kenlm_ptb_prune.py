#!/usr/bin/env python3
"""KenLM's pruned PTB models, for packages/ngram's out-of-core pruning test (estimateKneserNeyOnDisk.test.ts).

Run from anywhere, with a KenLM build (https://github.com/kpu/kenlm; see kenlm_ptb.py beside this file):

    KENLM_BIN=/tmp/kenlm/build/bin python3 scripts/golden/ngram/kenlm_ptb_prune.py

Writes packages/ngram/test/fixtures/kenlm-ptb-prune.json. Python standard library only. Never run in CI.

For each pruning setting, `lmplz -o 5 --prune T1 T2 ...` on test-data/ptb/ptb.train.txt with `<unk>` renamed `UNK`
(as kenlm_ptb.py does): the counts and discounts of its Statistics block and the SHA-256 of the ARPA file it
wrote (the file is ~10 MB; the test compares our ARPA's hash with it).
"""
import hashlib
import os
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from kenlm_ptb import ROOT, kenlm_commit, kenlm_tool, lmplz_statistics, renamed, write_fixture  # noqa: E402

import subprocess  # noqa: E402


OUT = os.path.join(ROOT, 'packages', 'ngram', 'test', 'fixtures', 'kenlm-ptb-prune.json')
ORDER = 5
SETTINGS = [[0, 1, 1, 1], [0, 0, 1, 2]]


def lmplz_pruned(prune, train, arpa, tmp):
    """Runs lmplz with --prune; returns (kept counts, counts before pruning, discounts), per order, from its Statistics block."""
    args = [kenlm_tool('lmplz'), '-o', str(ORDER), '-S', '20%', '-T', tmp, '--prune', *map(str, prune)]
    with open(train, 'rb') as src, open(arpa, 'wb') as dst:
        run = subprocess.run(args, stdin=src, stdout=dst, stderr=subprocess.PIPE, check=True)
    counts, unpruned, discounts = lmplz_statistics(run.stderr.decode('utf-8'))
    if len(counts) != ORDER:
        sys.exit(f'could not read {ORDER} orders from lmplz\'s Statistics block')
    return counts, unpruned, discounts


def main():
    with tempfile.TemporaryDirectory(prefix='kenlm-ptb-prune-') as tmp:
        train, train_md5 = renamed('train', tmp)
        models = []
        for prune in SETTINGS:
            arpa = os.path.join(tmp, 'pruned.arpa')
            counts, unpruned, discounts = lmplz_pruned(prune, train, arpa, tmp)
            with open(arpa, 'rb') as f:
                sha256 = hashlib.sha256(f.read()).hexdigest()
            models.append({'prune': prune, 'counts': counts, 'unprunedCounts': unpruned, 'discounts': discounts, 'arpaSha256': sha256})
            print(f'--prune {prune}: counts {counts}', file=sys.stderr)
    fixture = {
        'generator': 'scripts/golden/ngram/kenlm_ptb_prune.py',
        'kenlm': {'commit': kenlm_commit(), 'lmplz': f'lmplz -o {ORDER} --prune <thresholds> (defaults otherwise)'},
        'data': {
            'train': 'test-data/ptb/ptb.train.txt',
            'md5': train_md5,
            'preprocessing': 'literal <unk> renamed UNK (lmplz reserves <unk>); tokens split on whitespace',
        },
        'order': ORDER,
        'models': models,
    }
    write_fixture(OUT, fixture)


if __name__ == '__main__':
    main()
