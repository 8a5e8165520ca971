"""Golden fixture for @nlpkit/metrics classification scores, made with scikit-learn.

    apt-get install -y python3-sklearn        # scikit-learn 1.2.1 on Debian 12
    /usr/bin/python3 scripts/golden/metrics/make_sklearn_fixture.py

Writes packages/metrics/test/fixtures/sklearn_classification_fixture.json: for several label sets (strings with a
class only predicted and one only in gold, integers, an explicit label list, a case with no gold positives for
the listed labels) and both zero_division settings, the per-class and averaged precision/recall/F1/support,
accuracy and the confusion matrix. Never run in CI.
"""
import json
import os
import random
import warnings

import sklearn
from sklearn.metrics import accuracy_score, confusion_matrix, precision_recall_fscore_support

warnings.filterwarnings('ignore')
OUT = os.path.join(os.path.dirname(__file__), '..', '..', '..', 'packages', 'metrics', 'test', 'fixtures',
                   'sklearn_classification_fixture.json')

rng = random.Random(5)
animals = ['cat', 'dog', 'bird', 'fish', 'ant', 'bee', 'cow', 'eel', 'fox', 'gnu']
many_true = [rng.choice(animals) for _ in range(300)]
many_pred = [t if rng.random() < 0.6 else rng.choice(animals + ['yak']) for t in many_true]

CASES = {
    'strings': (['cat', 'dog', 'dog', 'bird', 'cat', 'fish', 'dog', 'bird'],
                ['cat', 'cat', 'dog', 'bird', 'dog', 'dog', 'dog', 'emu'], None),
    'integers': ([0, 1, 2, 2, 1, 0, 3, 3, 3, 10], [0, 2, 2, 2, 1, 1, 3, 0, 3, 2], None),
    'explicit_labels': (['a', 'b', 'c', 'a', 'b', 'c'], ['a', 'c', 'c', 'b', 'b', 'a'], ['c', 'a', 'z']),
    'no_gold_positives': (['x', 'x', 'x'], ['y', 'x', 'y'], ['y', 'z']),
    'eleven_classes': (many_true, many_pred, None),
}


def as_list(values):
    return [v.item() if hasattr(v, 'item') else v for v in values]


out = {'sklearn_version': sklearn.__version__, 'cases': {}}
for name, (y_true, y_pred, labels) in CASES.items():
    try:
        confusion = confusion_matrix(y_true, y_pred, labels=labels).tolist()
    except ValueError:  # scikit-learn refuses a label list with no gold label in it
        confusion = None
    case = {'y_true': y_true, 'y_pred': y_pred, 'labels': labels, 'accuracy': accuracy_score(y_true, y_pred),
            'confusion': confusion, 'by_zero_division': {}}
    for zd in (0, 1):
        entry = {}
        p, r, f, s = precision_recall_fscore_support(y_true, y_pred, labels=labels, zero_division=zd)
        entry['per_class'] = {'precision': as_list(p), 'recall': as_list(r), 'f1': as_list(f), 'support': as_list(s)}
        for avg in ('micro', 'macro', 'weighted'):
            p, r, f, _ = precision_recall_fscore_support(y_true, y_pred, labels=labels, average=avg, zero_division=zd)
            entry[avg] = {'precision': float(p), 'recall': float(r), 'f1': float(f)}
        case['by_zero_division'][str(zd)] = entry
    out['cases'][name] = case

with open(OUT, 'w', encoding='utf-8') as fh:
    json.dump(out, fh, indent=1)
    fh.write('\n')
print('wrote', os.path.normpath(OUT))
