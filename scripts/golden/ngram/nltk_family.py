#!/usr/bin/python3
"""Golden probabilities of NLTK's nltk.lm smoothing family on a PTB slice, for packages/ngram.

Run with Debian's python (it has python3-nltk):  /usr/bin/python3 scripts/golden/ngram/nltk_family.py
Writes packages/ngram/test/fixtures/nltk-family.json. Never run in CI.

Slice: the first TRAIN_LINES lines of ptb.train.txt and the first TEST_LINES lines of ptb.test.txt, with PTB's
<unk> renamed UNK (as for KenLM), tokens split on whitespace. The fixture stores only the slice sizes and the
scored rows; the test rebuilds the slice from test-data/ptb, so no corpus text is copied into the package.
"""
import json
import os
import sys

import nltk
from nltk.lm import (
    MLE, AbsoluteDiscountingInterpolated, KneserNeyInterpolated, Laplace, Lidstone, StupidBackoff,
    WittenBellInterpolated,
)
from nltk.lm.preprocessing import pad_both_ends, padded_everygram_pipeline

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
# PTB is committed under test-data/ptb; ../shared/data/ptb (older checkouts) is the fallback.
DATA = next(d for d in (os.path.join(ROOT, 'test-data', 'ptb'), os.path.join(ROOT, '..', 'shared', 'data', 'ptb'))
            if os.path.exists(os.path.join(d, 'ptb.train.txt')))
OUT = os.path.join(ROOT, 'packages', 'ngram', 'test', 'fixtures', 'nltk-family.json')
TRAIN_LINES = 400
TEST_LINES = 8


def load(name, lines):
    with open(os.path.join(DATA, name), encoding='utf-8') as f:
        out = []
        for i, line in enumerate(f):
            if i >= lines:
                break
            out.append(['UNK' if w == '<unk>' else w for w in line.split()])
        return out


def main():
    train = load('ptb.train.txt', TRAIN_LINES)
    test = load('ptb.test.txt', TEST_LINES)
    configs = [
        ('mle', lambda n: MLE(n), {}),
        ('laplace', lambda n: Laplace(n), {}),
        ('lidstone', lambda n: Lidstone(0.3, n), {'k': 0.3}),
        ('wittenBell', lambda n: WittenBellInterpolated(n), {}),
        ('absoluteDiscounting', lambda n: AbsoluteDiscountingInterpolated(n, discount=0.75), {'discount': 0.75}),
        ('kneserNeyInterpolated', lambda n: KneserNeyInterpolated(n, discount=0.1), {'discount': 0.1}),
        ('stupidBackoff', lambda n: StupidBackoff(0.4, n), {'alpha': 0.4}),
        ('wittenBellCutoff2', lambda n: WittenBellInterpolated(n, vocabulary=nltk.lm.Vocabulary(unk_cutoff=2)), {'unkCutoff': 2}),
    ]
    cases = []
    for order in (2, 3):
        for name, make, params in configs:
            model = make(order)
            ngrams, vocab_text = padded_everygram_pipeline(order, train)
            model.fit(ngrams, vocab_text)
            rows = []
            for sentence in test:
                padded = list(pad_both_ends(sentence, n=order))
                for i in range(order - 1, len(padded)):
                    context = padded[i - order + 1:i]
                    word = padded[i]
                    rows.append([context, word, model.score(word, context)])
                # A few shorter contexts exercise the recursion base.
                rows.append([[], sentence[0] if sentence else '</s>', model.score(sentence[0] if sentence else '</s>')])
            cases.append({'model': name, 'order': order, 'params': params, 'vocabularySize': len(model.vocab), 'rows': rows})
            print(name, order, len(rows), file=sys.stderr)
    with open(OUT, 'w', encoding='utf-8') as f:
        json.dump({
            'generator': 'scripts/golden/ngram/nltk_family.py',
            'nltk': nltk.__version__,
            'trainLines': TRAIN_LINES,
            'testLines': TEST_LINES,
            'unkRenamed': 'UNK',
            'cases': cases,
        }, f, separators=(',', ':'))


if __name__ == '__main__':
    main()
