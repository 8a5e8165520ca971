#!/usr/bin/env python3
"""KenLM on toy corpora where a context's interpolation weight gamma is 0, for packages/ngram's estimator tests.

On a tiny corpus lmplz needs `--discount_fallback`, and an order's estimated discounts can then be 0 for a count
class (D3+ = 0 when n3 and n4 give it so). A context whose n-grams all fall in classes with discount 0 keeps all
its mass (gamma = 0): lmplz writes its backoff as `-inf`, where a context with no n-gram after it gets `0`.

The first corpus is the counterexample fast-check found for "is a normalized distribution after every context"
(order 3, context `a`: the next-word distribution summed to 1.388 while we wrote backoff 0); its `-inf` is a
unigram's. The others come from a seeded search over random toy corpora with repeated sentences (repeats make
n-grams above the unigrams whose adjusted counts all fall in a class with discount 0), kept when lmplz's ARPA has an
`-inf` backoff above the unigrams, at orders 3 and 4.

Run from anywhere, with a KenLM build (https://github.com/kpu/kenlm, `cmake -DCMAKE_BUILD_TYPE=Release .. && make
lmplz`) — KenLM itself is never vendored in this repository:

    KENLM_BIN=/tmp/kenlm/build/bin python3 scripts/golden/ngram/kenlm_zero_gamma.py

Writes packages/ngram/test/fixtures/kenlm-zero-gamma.json: for each case its sentences, order and lmplz's ARPA
file (byte for byte). Python standard library only. Never run in CI.
"""
import json
import os
import random
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
OUT = os.path.join(ROOT, 'packages', 'ngram', 'test', 'fixtures', 'kenlm-zero-gamma.json')
SEED = 7
COUNTEREXAMPLE = ['d e a b', 'b', 'a b b b', 'e d a b', 'd d c b', 'c']
# (order, how many random corpora to keep)
SEARCHES = [(3, 2), (4, 3)]


def kenlm_tool(name):
    """Path of a KenLM binary under $KENLM_BIN (or $KENLM_BIN/bin)."""
    base = os.environ.get('KENLM_BIN')
    if not base:
        sys.exit('set KENLM_BIN to the folder holding lmplz (e.g. /tmp/kenlm/build/bin)')
    for candidate in (os.path.join(base, name), os.path.join(base, 'bin', name)):
        if os.access(candidate, os.X_OK):
            return candidate
    sys.exit(f'{name} not found in {base} or {base}/bin')


def kenlm_commit():
    base = os.environ['KENLM_BIN']
    for folder in (base, os.path.dirname(base), os.path.dirname(os.path.dirname(base))):
        try:
            out = subprocess.run(['git', '-C', folder, 'rev-parse', 'HEAD'], capture_output=True, text=True, check=True)
            return out.stdout.strip()
        except (subprocess.CalledProcessError, FileNotFoundError):
            continue
    return None


def lmplz(sentences, order, tmp):
    """lmplz's ARPA text for the sentences (one per line), with fallback discounts."""
    train = os.path.join(tmp, 'train.txt')
    with open(train, 'w', encoding='utf-8') as f:
        f.write(''.join(s + '\n' for s in sentences))
    with open(train, 'rb') as src:
        run = subprocess.run([kenlm_tool('lmplz'), '-o', str(order), '-S', '100M', '-T', tmp, '--discount_fallback'],
                             stdin=src, capture_output=True, check=True)
    return run.stdout.decode('utf-8')


def infinite_orders(arpa):
    """The orders whose section has a `-inf` backoff."""
    orders, order = set(), 0
    for line in arpa.splitlines():
        if line.startswith('\\') and line.endswith('-grams:'):
            order = int(line[1:line.index('-')])
        elif line.endswith('\t-inf'):
            orders.add(order)
    return orders


def has_zero_discount(sentences, order):
    """Whether some order's modified Kneser-Ney discount is 0 (a screen, so lmplz runs only on candidates).

    Adjusted counts as lmplz makes them: raw counts at the top order and for n-grams starting with <s>, otherwise
    the number of distinct words seen before the n-gram. D_k = k - (k + 1) Y n_(k+1) / n_k, Y = n1 / (n1 + 2 n2).
    """
    raw = [dict() for _ in range(order)]
    for sentence in sentences:
        words = ['<s>'] + sentence.split() + ['</s>']
        for n in range(1, order + 1):
            for i in range(1 if n == 1 else 0, len(words) - n + 1):
                gram = tuple(words[i:i + n])
                if n > 1 and '<s>' in gram[1:]:
                    continue
                raw[n - 1][gram] = raw[n - 1].get(gram, 0) + 1
    for n in range(1, order + 1):
        if n == order:
            adjusted = raw[n - 1]
        else:
            left = {}
            for gram in raw[n]:
                left.setdefault(gram[1:], set()).add(gram[0])
            adjusted = {g: (c if g[0] == '<s>' else len(left.get(g, ()))) for g, c in raw[n - 1].items()}
        nk = [sum(1 for c in adjusted.values() if c == k) for k in range(1, 5)]
        if nk[0] == 0 or nk[1] == 0 or nk[2] == 0:
            continue  # lmplz falls back to its fixed discounts
        y = nk[0] / (nk[0] + 2 * nk[1])
        if any(abs(k - (k + 1) * y * nk[k] / nk[k - 1]) < 1e-9 for k in (1, 2, 3)):
            return True
    return False


def random_corpus(rng):
    """1-3 sentences of 1-5 words over a, b, c, d, e, each 1-4 times, among 0-6 sentences of 0-6 words, shuffled."""
    sentences = []
    for _ in range(rng.randint(1, 3)):
        sentences += [' '.join(rng.choice('abcde') for _ in range(rng.randint(1, 5)))] * rng.randint(1, 4)
    sentences += [' '.join(rng.choice('abcde') for _ in range(rng.randint(0, 6))) for _ in range(rng.randint(0, 6))]
    rng.shuffle(sentences)
    return sentences


def main():
    rng = random.Random(SEED)
    cases = []
    with tempfile.TemporaryDirectory(prefix='kenlm-zero-gamma-') as tmp:
        arpa = lmplz(COUNTEREXAMPLE, 3, tmp)
        if not infinite_orders(arpa):
            sys.exit('lmplz wrote no -inf backoff for the counterexample')
        cases.append({'name': 'fast-check counterexample', 'order': 3, 'sentences': COUNTEREXAMPLE, 'arpa': arpa})
        for order, keep in SEARCHES:
            found = 0
            for attempt in range(20_000):
                sentences = random_corpus(rng)
                if not has_zero_discount(sentences, order):
                    continue
                try:
                    arpa = lmplz(sentences, order, tmp)
                except subprocess.CalledProcessError:
                    continue  # lmplz refuses some corpora (e.g. too few n-grams even for its fallback)
                orders = infinite_orders(arpa)
                if orders - {1}:
                    cases.append({'name': f'order {order}, seed {SEED}, draw {attempt}', 'order': order,
                                  'sentences': sentences, 'arpa': arpa})
                    found += 1
                    if found == keep:
                        break
            else:
                sys.exit(f'no corpus of order {order} found')
    fixture = {
        'generator': 'scripts/golden/ngram/kenlm_zero_gamma.py',
        'kenlm': {'commit': kenlm_commit(), 'lmplz': 'lmplz -o <order> -S 100M --discount_fallback'},
        'cases': cases,
    }
    with open(OUT, 'w', encoding='utf-8') as f:
        json.dump(fixture, f, indent=1, ensure_ascii=True)
        f.write('\n')
    print(f'wrote {os.path.relpath(OUT, ROOT)}: {len(cases)} cases', file=sys.stderr)


if __name__ == '__main__':
    main()
