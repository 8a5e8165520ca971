#!/usr/bin/env python3
"""KenLM's figures on PTB, for packages/ngram's parity test (estimateKneserNey.ptb.test.ts) and the CLI's PTB test.

Run from anywhere, with a KenLM build (https://github.com/kpu/kenlm, built with
`cmake -DCMAKE_BUILD_TYPE=Release .. && make lmplz query`) — KenLM itself is never vendored in this repository:

    KENLM_BIN=/tmp/kenlm/build/bin python3 scripts/golden/ngram/kenlm_ptb.py [--orders 2 3 4 5]

KENLM_BIN is the folder holding `lmplz` and `query` (a CMake build folder, whose bin/ holds them, works too).
Writes packages/ngram/test/fixtures/kenlm-ptb.json. Python standard library only. Never run in CI.

What it does, for each order N:
  1. `lmplz -o N` on test-data/ptb/ptb.train.txt with PTB's literal `<unk>` renamed `UNK` (lmplz refuses `<unk>`
     in training text: it is KenLM's own OOV symbol). Its "Statistics:" block (stderr) gives the ARPA counts per
     order and the modified Kneser-Ney discounts D1, D2, D3+ per order, printed with 6 significant digits.
     The SHA-256 of the ARPA file lmplz wrote is kept too (packages/ngram writes the same bytes).
  2. `query -v summary` of that ARPA model on ptb.test.txt and ptb.valid.txt (same renaming): perplexity
     including and excluding OOVs (printed as shortest round-trip doubles), OOV count and token count (`</s>`
     counted, `<s>` not).
"""
import argparse
import hashlib
import json
import os
import re
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
DATA_DIRS = [os.path.join(ROOT, 'test-data', 'ptb'), os.path.join(ROOT, '..', 'shared', 'data', 'ptb')]
OUT = os.path.join(ROOT, 'packages', 'ngram', 'test', 'fixtures', 'kenlm-ptb.json')


def kenlm_tool(name):
    """Path of a KenLM binary under $KENLM_BIN (or $KENLM_BIN/bin)."""
    base = os.environ.get('KENLM_BIN')
    if not base:
        sys.exit('set KENLM_BIN to the folder holding lmplz and query (e.g. /tmp/kenlm/build/bin)')
    for candidate in (os.path.join(base, name), os.path.join(base, 'bin', name)):
        if os.access(candidate, os.X_OK):
            return candidate
    sys.exit(f'{name} not found in {base} or {base}/bin')


def kenlm_commit():
    """The KenLM git commit the binaries were built from, when KENLM_BIN is inside its checkout."""
    try:
        out = subprocess.run(['git', '-C', os.environ['KENLM_BIN'], 'rev-parse', 'HEAD'], capture_output=True, text=True, check=True)
        return out.stdout.strip()
    except (subprocess.CalledProcessError, FileNotFoundError):
        return None


def ptb_file(split):
    for folder in DATA_DIRS:
        path = os.path.join(folder, f'ptb.{split}.txt')
        if os.path.exists(path):
            return path
    sys.exit(f'ptb.{split}.txt not found in {DATA_DIRS}')


def renamed(split, tmp):
    """The split with `<unk>` renamed `UNK`, as a file lmplz/query can read; plus the original file's md5."""
    with open(ptb_file(split), 'rb') as f:
        raw = f.read()
    path = os.path.join(tmp, f'ptb.{split}.txt')
    with open(path, 'wb') as f:
        f.write(raw.replace(b'<unk>', b'UNK'))
    return path, hashlib.md5(raw).hexdigest()


# An order's line of lmplz's Statistics block; pruned orders print `kept/total`.
STAT_LINE = re.compile(r'^(\d+) (\d+)(?:/(\d+))? D1=(\S+) D2=(\S+) D3\+=(\S+)$')


def lmplz_statistics(stderr):
    """(kept counts, counts before pruning, discounts) per order, from the Statistics block lmplz prints on stderr."""
    counts, unpruned, discounts, in_stats = [], [], [], False
    for line in stderr.splitlines():
        if line.strip() == 'Statistics:':
            in_stats = True
            continue
        match = STAT_LINE.match(line.strip()) if in_stats else None
        if match:
            counts.append(int(match.group(2)))
            unpruned.append(int(match.group(3) or match.group(2)))
            discounts.append([float(match.group(k)) for k in (4, 5, 6)])
        elif in_stats and counts:
            break
    return counts, unpruned, discounts


def lmplz(order, train, arpa, tmp):
    """Runs lmplz; returns (counts per order, discounts per order) from its Statistics block."""
    with open(train, 'rb') as src, open(arpa, 'wb') as dst:
        run = subprocess.run([kenlm_tool('lmplz'), '-o', str(order), '-S', '20%', '-T', tmp], stdin=src, stdout=dst, stderr=subprocess.PIPE, check=True)
    stderr = run.stderr.decode('utf-8')
    counts, _, discounts = lmplz_statistics(stderr)
    if len(counts) != order:
        sys.exit(f'could not read {order} orders from lmplz\'s Statistics block:\n{stderr}')
    # The ARPA header is what a reader sees; check it agrees with the Statistics block.
    with open(arpa, encoding='utf-8') as f:
        header = [int(m.group(1)) for m in (re.match(r'^ngram \d+=(\d+)$', next(f).strip()) for _ in range(order + 2)) if m]
    if header != counts:
        sys.exit(f'ARPA header counts {header} differ from lmplz statistics {counts}')
    return counts, discounts


def query(arpa, text):
    """Runs `query -v summary`; returns the perplexities, OOV and token counts it prints."""
    with open(text, 'rb') as src:
        run = subprocess.run([kenlm_tool('query'), '-v', 'summary', arpa], stdin=src, capture_output=True, check=True)
    out = run.stdout.decode('utf-8')
    fields = dict(line.split(':\t', 1) for line in out.splitlines() if ':\t' in line)
    return {
        'perplexity': float(fields['Perplexity including OOVs']),
        'perplexityExcludingOov': float(fields['Perplexity excluding OOVs']),
        'oov': int(fields['OOVs']),
        'tokens': int(fields['Tokens']),
    }


def write_fixture(path, fixture):
    """Writes a fixture as indented JSON with a final newline, and says where on stderr."""
    with open(path, 'w', encoding='utf-8') as f:
        json.dump(fixture, f, indent=2)
        f.write('\n')
    print(f'wrote {os.path.relpath(path, ROOT)}', file=sys.stderr)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--orders', type=int, nargs='+', default=[2, 3, 4, 5])
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix='kenlm-ptb-') as tmp:
        train, train_md5 = renamed('train', tmp)
        splits = {split: renamed(split, tmp) for split in ('valid', 'test')}
        orders = {}
        for order in args.orders:
            arpa = os.path.join(tmp, f'ptb.o{order}.arpa')
            counts, discounts = lmplz(order, train, arpa, tmp)
            with open(arpa, 'rb') as f:
                arpa_sha256 = hashlib.sha256(f.read()).hexdigest()
            orders[str(order)] = {
                'counts': counts,
                'discounts': discounts,
                'arpaSha256': arpa_sha256,
                **{split: query(arpa, path) for split, (path, _) in splits.items()},
            }
            print(f'order {order}: counts {counts}, test perplexity {orders[str(order)]["test"]["perplexity"]}', file=sys.stderr)
    fixture = {
        'generator': 'scripts/golden/ngram/kenlm_ptb.py',
        'kenlm': {
            'commit': kenlm_commit(),
            'lmplz': 'lmplz -o <order> (defaults otherwise: interpolate_unigrams, no pruning)',
            'query': 'query -v summary <model.arpa>',
            'precision': 'discounts as lmplz prints them (6 significant digits); perplexities as query prints them (shortest round-trip double)',
        },
        'data': {
            'train': 'test-data/ptb/ptb.train.txt',
            'valid': 'test-data/ptb/ptb.valid.txt',
            'test': 'test-data/ptb/ptb.test.txt',
            'md5': {'train': train_md5, **{split: md5 for split, (_, md5) in splits.items()}},
            'preprocessing': 'literal <unk> renamed UNK (lmplz reserves <unk>); tokens split on whitespace',
        },
        'orders': orders,
    }
    write_fixture(OUT, fixture)


if __name__ == '__main__':
    main()
