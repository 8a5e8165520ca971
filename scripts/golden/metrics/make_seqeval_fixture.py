"""Golden fixture for @nlpkit/metrics entity scores in every tagging scheme, made with seqeval.

The shared fixture (../shared/fixtures/metrics/seqeval_fixture.json) covers the default mode and strict IOB2.
This one adds strict mode for IOB1, IOE1, IOE2, IOBES and BILOU, scheme auto-detection, and the default mode on
odd tags (untyped, unknown prefixes, several dashes, '.'), on random and often malformed sequences.

seqeval cannot be installed from a package registry on the machine this was made on, so the script runs
seqeval's own source from a checkout (git cd01b52, v1.2.2-4) and never ships any of it:

    git clone https://github.com/chakki-works/seqeval /tmp/seqeval-src
    apt-get install -y python3-sklearn python3-numpy
    SEQEVAL_SRC=/tmp/seqeval-src /usr/bin/python3 scripts/golden/metrics/make_seqeval_fixture.py

It writes packages/metrics/test/fixtures/seqeval_schemes_fixture.json. Never run in CI.
"""
import json
import os
import random
import sys
import warnings

sys.path.insert(0, os.environ.get('SEQEVAL_SRC', '/tmp/seqeval-src'))
from seqeval.metrics import classification_report  # noqa: E402
from seqeval.metrics.sequence_labeling import get_entities  # noqa: E402
from seqeval.scheme import BILOU, IOB1, IOB2, IOBES, IOE1, IOE2, Entities  # noqa: E402

warnings.filterwarnings('ignore')
OUT = os.path.join(os.path.dirname(__file__), '..', '..', '..', 'packages', 'metrics', 'test', 'fixtures',
                   'seqeval_schemes_fixture.json')
SCHEMES = {'IOB1': (IOB1, 'IOB'), 'IOB2': (IOB2, 'IOB'), 'IOE1': (IOE1, 'IOE'), 'IOE2': (IOE2, 'IOE'),
           'IOBES': (IOBES, 'IOBES'), 'BILOU': (BILOU, 'BILOU')}
TYPES = ['PER', 'LOC', 'ORG']


def random_sequences(rng, prefixes, n=40):
    seqs = []
    for _ in range(n):
        seq = []
        for _ in range(rng.randint(0, 9)):
            p = rng.choice(prefixes + 'OO')
            seq.append('O' if p == 'O' else f'{p}-{rng.choice(TYPES)}')
        seqs.append(seq)
    return seqs


def perturb(rng, seqs, prefixes):
    out = []
    for seq in seqs:
        seq = list(seq)
        for i in range(len(seq)):
            if rng.random() < 0.25:
                p = rng.choice(prefixes + 'O')
                seq[i] = 'O' if p == 'O' else f'{p}-{rng.choice(TYPES)}'
        out.append(seq)
    return out


def report(y_true, y_pred, **kwargs):
    rep = classification_report(y_true, y_pred, output_dict=True, **kwargs)
    return {k: {kk: (float(vv) if kk != 'support' else int(vv)) for kk, vv in v.items()} for k, v in rep.items()}


def main():
    rng = random.Random(11)
    out = {'seqeval_git_describe': 'v1.2.2-4-gcd01b52 (run from source)', 'strict': {}, 'default': {}}
    for name, (cls, prefixes) in SCHEMES.items():
        gold = random_sequences(rng, prefixes)
        pred = perturb(rng, gold, prefixes)
        out['strict'][name] = {
            'gold': gold, 'pred': pred,
            'report': report(gold, pred, mode='strict', scheme=cls),
            'report_zero_division_1': report(gold, pred, mode='strict', scheme=cls, zero_division=1),
            'entities_gold': [[[e.tag, e.start, e.end] for e in es] for es in Entities(gold, cls).entities],
            'entities_pred': [[[e.tag, e.start, e.end] for e in es] for es in Entities(pred, cls).entities],
            # Lenient mode on the same tags: it reads E, S, L and U its own (conlleval) way.
            'default_report': report(gold, pred),
        }
    # Strict mode without a scheme: seqeval detects it from the gold prefixes.
    gold = [['S-PER', 'O', 'B-LOC', 'E-LOC'], ['B-ORG', 'I-ORG', 'E-ORG', 'O']]
    pred = [['S-PER', 'O', 'B-LOC', 'I-LOC'], ['B-ORG', 'I-ORG', 'E-ORG', 'S-LOC']]
    out['auto_detect'] = {'gold': gold, 'pred': pred, 'scheme': 'IOBES', 'report': report(gold, pred, mode='strict')}
    # Default mode on odd tags.
    odd = ['O', 'B', 'I', 'E', 'S', 'X-PER', 'B-PER-X', 'I-PER-X', 'B-LOC', 'I-LOC', 'I-PER', '.', 'BPER', 'IPER',
           'U-ORG', 'L-ORG', 'B-', 'I-_', 'E-LOC', 'S-ORG']
    gold = [[rng.choice(odd) for _ in range(rng.randint(0, 10))] for _ in range(60)]
    pred = [[t if rng.random() < 0.7 else rng.choice(odd) for t in seq] for seq in gold]
    out['default']['odd_tags'] = {
        'gold': gold, 'pred': pred, 'report': report(gold, pred),
        'entities_gold': [[list(e) for e in get_entities(seq)] for seq in gold],
    }
    with open(OUT, 'w', encoding='utf-8') as fh:
        json.dump(out, fh)
        fh.write('\n')
    print('wrote', os.path.normpath(OUT))


if __name__ == '__main__':
    main()
