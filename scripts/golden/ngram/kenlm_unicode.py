#!/usr/bin/env python3
"""KenLM on text whose words hold Unicode spaces, for packages/ngram's kenlmWords test (kenlmUnicode.test.ts).

KenLM splits words only at a few ASCII bytes, and not at the same ones in its two tools (KenLM 4cb443e):
  - lmplz (lm/builder/corpus_count.cc) at space, \\t, \\r and NUL — and \\n between lines; \\v and \\f are word bytes;
  - query (util/spaces.cc, kSpaces) at space, \\t, \\n, \\v, \\f and \\r.
Everything else — U+FEFF, U+00A0, U+2000-U+200A, U+3000, the rest of what JavaScript's \\s matches — is part of a
word. An empty line is a sentence (<s> </s>) for both. This script writes a corpus exercising all of that, runs
lmplz on it and query on a small test text, and records the texts with KenLM's outputs.

Run from anywhere, with a KenLM build (https://github.com/kpu/kenlm, `cmake -DCMAKE_BUILD_TYPE=Release .. && make
lmplz query`) — KenLM itself is never vendored in this repository:

    KENLM_BIN=/tmp/kenlm/build/bin python3 scripts/golden/ngram/kenlm_unicode.py

Writes packages/ngram/test/fixtures/kenlm-unicode.json: the training text, lmplz's ARPA file (byte for byte),
its counts and discounts, and query's summary, per-line scores and whole default output on the test text. Python
standard library only.
Never run in CI.
"""
import json
import os
import random
import re
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
OUT = os.path.join(ROOT, 'packages', 'ngram', 'test', 'fixtures', 'kenlm-unicode.json')
ORDER = 3
LINES = 700
SEED = 11

# Words with characters JavaScript's \s matches but KenLM does not split at, and the control bytes lmplz keeps.
ODD_WORDS = [
    'zero\ufeffwidth', '\ufeffbom', 'non\u00a0breaking', 'ideo\u3000space', 'em\u2003space', 'thin\u2009space',
    'hair\u200aspace', 'line\u2028sep', 'nel\u0085word', 'narrow\u202fnbsp', 'vertical\vtab', 'form\ffeed',
    '\u00a0', '\u3000',
]
PLAIN_WORDS = (
    'the a of to and in that is was he for it with as his on be at by i this had not are but from or have an they '
    'which one you were her all she there would their we him been has when who will more no if out so said what up '
    'its about into than them can only other new some could time these two may then do first any my now such like'
).split()
# Between words: what both lmplz and query treat as a separator.
SEPARATORS = [' '] * 12 + ['\t', '  ', ' \t ', '\r']


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
    try:
        out = subprocess.run(['git', '-C', os.environ['KENLM_BIN'], 'rev-parse', 'HEAD'], capture_output=True, text=True, check=True)
        return out.stdout.strip()
    except (subprocess.CalledProcessError, FileNotFoundError):
        return None


def corpus(rng, lines):
    """Sentences of Zipf-distributed words (odd words among the frequent ones), with odd separators and blank lines."""
    # A long tail of rare words, so every order has n-grams of adjusted count 1, 2 and 3 (discounts defined).
    vocab = PLAIN_WORDS[:20] + ODD_WORDS + PLAIN_WORDS[20:] + [f'w{i}' for i in range(600)] + ['rare\u00a0' + str(i) for i in range(40)]
    weights = [1 / (rank + 1) for rank in range(len(vocab))]
    out = []
    for i in range(lines):
        if i % 97 == 13:
            out.append('')  # an empty line: the sentence <s> </s>
            continue
        words = rng.choices(vocab, weights, k=rng.randint(1, 12))
        text = words[0]
        for word in words[1:]:
            text += rng.choice(SEPARATORS) + word
        if i % 31 == 5:
            text = ' ' + text + '\t'  # leading and trailing separators
        out.append(text)
    return '\n'.join(out) + '\n'


STAT_LINE = re.compile(r'^(\d+) (\d+) D1=(\S+) D2=(\S+) D3\+=(\S+)$')


def main():
    rng = random.Random(SEED)
    train = corpus(rng, LINES)
    test = corpus(rng, 40) + 'vertical\vtab form\ffeed unseen\u00a0word\n\n'
    with tempfile.TemporaryDirectory(prefix='kenlm-unicode-') as tmp:
        train_path = os.path.join(tmp, 'train.txt')
        test_path = os.path.join(tmp, 'test.txt')
        arpa_path = os.path.join(tmp, 'model.arpa')
        with open(train_path, 'wb') as f:
            f.write(train.encode('utf-8'))
        with open(test_path, 'wb') as f:
            f.write(test.encode('utf-8'))
        lmplz = [kenlm_tool('lmplz'), '-o', str(ORDER), '-S', '100M', '-T', tmp]
        with open(train_path, 'rb') as src, open(arpa_path, 'wb') as dst:
            run = subprocess.run(lmplz, stdin=src, stdout=dst, stderr=subprocess.PIPE, check=True)
        stderr = run.stderr.decode('utf-8')
        if 'fallback' in stderr.lower():
            sys.exit('lmplz needed fallback discounts; grow LINES:\n' + stderr)
        counts, discounts = [], []
        for line in stderr.splitlines():
            match = STAT_LINE.match(line.strip())
            if match:
                counts.append(int(match.group(2)))
                discounts.append([float(match.group(k)) for k in (3, 4, 5)])
        with open(arpa_path, 'rb') as f:
            arpa = f.read().decode('utf-8')
        def query(verbosity):
            with open(test_path, 'rb') as src:
                flags = [] if verbosity is None else ['-v', verbosity]
                run = subprocess.run([kenlm_tool('query'), *flags, arpa_path], stdin=src, capture_output=True, check=True)
            return run.stdout.decode('utf-8')

        # query -v sentence: one "Total: <log10> OOV: <n>" line per input line; -v summary: the corpus figures.
        totals = [[float(m.group(1)), int(m.group(2))] for m in re.finditer(r'^Total: (\S+) OOV: (\d+)$', query('sentence'), re.M)]
        # query's default output (no -v): word=id ngram-length log10p per token, Total and OOV per line, the summary.
        words_output = query(None)
        fields = dict(line.split(':\t', 1) for line in query('summary').splitlines() if ':\t' in line)
    fixture = {
        'generator': 'scripts/golden/ngram/kenlm_unicode.py',
        'kenlm': {
            'commit': kenlm_commit(),
            'lmplz': f'lmplz -o {ORDER} -S 100M (defaults otherwise)',
            'query': 'query -v sentence <model.arpa> (per-line totals), query -v summary <model.arpa>, query <model.arpa> (its whole default output)',
        },
        'order': ORDER,
        'train': train,
        'counts': counts,
        'discounts': discounts,
        'arpa': arpa,
        'test': test,
        'query': {
            'sentences': totals,
            'perplexity': float(fields['Perplexity including OOVs']),
            'perplexityExcludingOov': float(fields['Perplexity excluding OOVs']),
            'oov': int(fields['OOVs']),
            'tokens': int(fields['Tokens']),
            'wordOutput': words_output,
        },
    }
    with open(OUT, 'w', encoding='utf-8') as f:
        json.dump(fixture, f, indent=1, ensure_ascii=True)
        f.write('\n')
    print(f'wrote {os.path.relpath(OUT, ROOT)}: counts {counts}, {len(totals)} test sentences', file=sys.stderr)


if __name__ == '__main__':
    main()
