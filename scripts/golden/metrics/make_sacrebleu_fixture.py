"""Golden fixture for @nlpkit/metrics: BLEU tokenizers/options, chrF variants and TER, made with sacreBLEU.

The shared fixture (../shared/fixtures/metrics/bleu_chrf_fixture.json) covers the default BLEU and chrF
settings on ASCII-heavy text with one reference. This one reaches further: the `char` and `intl` tokenizers on
non-ASCII text (accents, CJK, emoji outside the BMP, Unicode punctuation and symbols, odd whitespace), several
and variable numbers of references, other n-gram orders and smoothing values, chrF with other orders, beta,
whitespace and epsilon smoothing, and TER (sacreBLEU's Tercom re-implementation, with its shift heuristics).

sacreBLEU cannot be installed from a package registry on the machine this was made on, so the script runs
sacreBLEU's own source from a checkout (git f615c72, v2.6.0-1) and never ships any of it:

    git clone https://github.com/mjpost/sacrebleu /tmp/sacrebleu-src   # or an exported tree of it
    apt-get install -y python3-regex python3-portalocker python3-tabulate python3-colorama python3-numpy
    SACREBLEU_SRC=/tmp/sacrebleu-src /usr/bin/python3 scripts/golden/metrics/make_sacrebleu_fixture.py

It writes packages/metrics/test/fixtures/sacrebleu_extra_fixture.json. Never run in CI.
"""
import json
import os
import random
import sys
import types

SRC = os.environ.get('SACREBLEU_SRC', '/tmp/sacrebleu-src')
sys.path.insert(0, SRC)
# A source checkout has no generated version module; provide the release it corresponds to.
version = types.ModuleType('sacrebleu.version')
version.__version__ = '2.6.0'
sys.modules['sacrebleu.version'] = version

from sacrebleu.metrics import BLEU, CHRF, TER  # noqa: E402
from sacrebleu.metrics.lib_ter import translation_edit_rate  # noqa: E402

OUT = os.path.join(os.path.dirname(__file__), '..', '..', '..', 'packages', 'metrics', 'test', 'fixtures',
                   'sacrebleu_extra_fixture.json')

HYPS = [
    'The café on Rue de l\u2019Église opens at 7:30 — every day!',
    'Der Preis beträgt 1.234,56 € (inkl. MwSt.).',
    '東京は日本の首都です。人口は約1400万人です。',
    'Emoji test: I love 🍕 and 🍣 😀!!',
    '«Bonjour», dit-il ; « ça va ? »',
    'Tabs\tand\u00a0non-breaking\u2003spaces  and  doubles',
    'He said &quot;no&quot; &amp; left &lt;quickly&gt;.',
    'State-of-the-art results in 2019-2020 were 3.5% better.',
    '',
    'a b c d e f g h',
    'The the the the the.',
    'Ünïcödé çhàràctêrs ärë fün, ären\u2019t they?',
    'x',
    'Numbers: 1,000,000 and 3.14159 and -42 and 10-15.',
    'The quick brown fox jumps over the lazy dog near the bank of the river.',
    'Σίσυφος κυλά την πέτρα στην κορυφή του βουνού.',
    '他说：“我们明天去北京。” 价格是3.5%，约€20。',
]
REFS_A = [
    'The café on Rue de l\u2019Église opens every day at 7:30!',
    'Der Preis beträgt 1.234,56 € inklusive MwSt.',
    '日本の首都は東京です。人口はおよそ1400万人です。',
    'Emoji test: I love 🍕 and 🍣 😀 !',
    '« Bonjour », a-t-il dit ; « ça va ? »',
    'Tabs and non-breaking spaces and doubles',
    'He said "no" & left <quickly>.',
    'State-of-the-art results in 2019-2020 were 3.5 % better.',
    'Something was said.',
    'a b c d e f g h',
    'The cat.',
    'Unicode characters are fun, aren\u2019t they?',
    'y',
    'Numbers: 1,000,000 and 3.14159 and -42 and 10-15.',
    'Near the river bank, the quick brown fox jumps over the lazy dog.',
    'Ο Σίσυφος κυλά την πέτρα ως την κορυφή του βουνού.',
    '他说：“明天我们去北京。”价格为3.5%，大约€20。',
]
REFS_B = [
    'Every day the café on Église street opens at 7:30.',
    'Der Preis ist 1.234,56 € (inkl. MwSt.).',
    '東京は日本の首都であり、人口は約1400万人である。',
    'Emoji test: I really love 🍕 and 🍣!',
    '«Salut», dit-il ; «ça va ?»',
    'Tabs and non-breaking spaces and double spaces',
    'He said "no" and left quickly.',
    'The state-of-the-art results of 2019-2020 were 3.5% better.',
    '',
    'h g f e d c b a',
    'The the the.',
    'Ünïcödé çhàràctêrs are fun.',
    'x',
    'Numbers: 1.000.000 and 3,14159 and - 42 and 10 - 15.',
    'The quick brown fox jumped over a lazy dog by the river bank.',
    'Ο Σίσυφος σπρώχνει την πέτρα στην κορυφή.',
    '他说我们明天去北京，价格 3.5 %。',
]
# A third stream with gaps: segments with None have only two references (sacreBLEU prints nrefs:var).
REFS_C = [None if i % 3 else r.upper() for i, r in enumerate(REFS_A)]

TER_HYPS = [
    'the cat sat on the mat',
    'on the mat sat the cat',
    'a b c d e f',
    'f e d c b a',
    'we have to go home now',
    'now we have to go home',
    '',
    'one',
    'the cat',
    'This is a test, isn\u2019t it? Yes: it is "quoted" (really).',
    'The U.S. economy grew 3.5% in 2019-2020 &amp; beyond.',
    'completely different words here',
    '东京是日本的首都，人口约一千四百万。',
    'これは「テスト」です。カタカナ、ひらがな！',
]
TER_REFS = [
    'the cat sat on the mat',
    'the cat sat on the mat',
    'a b c d e f',
    'a b c d e f',
    'now we have to go home',
    'we have to go home now',
    'something',
    '',
    'the the cat cat',
    'this is a test , isn\u2019t it ? yes : it is " quoted " ( really ) .',
    'The US economy grew 3.5 % in 2019 - 2020 & beyond .',
    'nothing in common at all',
    '日本的首都是东京，人口大约一千四百万。',
    'これは テスト です。 ひらがな、カタカナ。',
]
TER_REFS_B = [
    'a cat sat on a mat',
    'on the mat the cat sat',
    'b a d c f e',
    'a b c d e f',
    'we must go home now',
    'we have to go home now',
    '',
    'one',
    'cat the',
    'This is a test, is it not? Yes.',
    'The economy of the U.S. grew by 3.5% in 2019-2020 and beyond.',
    'here are completely different words',
    '东京为日本首都。',
    '「テスト」です！',
]


def random_ter_cases(n, seed=7):
    """Shuffled and edited sentences: many shift candidates, long shifts, repeated words."""
    rng = random.Random(seed)
    vocab = 'the a of to and in is it that for on was with as by at he she they we'.split()
    hyps, refs = [], []
    for _ in range(n):
        length = rng.randint(5, 45)
        ref = [rng.choice(vocab) for _ in range(length)]
        hyp = list(ref)
        for _ in range(rng.randint(0, 4)):  # block moves
            a = rng.randrange(len(hyp))
            b = min(len(hyp), a + rng.randint(1, 6))
            block = hyp[a:b]
            del hyp[a:b]
            c = rng.randint(0, len(hyp))
            hyp[c:c] = block
        for _ in range(rng.randint(0, 4)):  # substitutions, insertions, deletions
            op = rng.choice('sid')
            pos = rng.randrange(len(hyp)) if hyp else 0
            if op == 's' and hyp:
                hyp[pos] = rng.choice(vocab)
            elif op == 'i':
                hyp.insert(pos, rng.choice(vocab))
            elif op == 'd' and len(hyp) > 1:
                del hyp[pos]
        hyps.append(' '.join(hyp))
        refs.append(' '.join(ref))
    return hyps, refs


def bleu_entry(metric, hyps, refs):
    s = metric.corpus_score(hyps, refs)
    return {'score': s.score, 'counts': list(s.counts), 'totals': list(s.totals), 'precisions': s.precisions,
            'bp': s.bp, 'sys_len': s.sys_len, 'ref_len': s.ref_len, 'signature': str(metric.get_signature())}


def main():
    two_refs = [REFS_A, REFS_B]
    three_refs = [REFS_A, REFS_B, REFS_C]
    streams_of = lambda refs: [three_refs.index(r) for r in refs]  # noqa: E731
    out = {
        'sacrebleu_version': '2.6.0 (git f615c72, run from source)',
        'inputs': {'hypotheses': HYPS, 'references': three_refs},
        'note': 'references are streams: references[k][i] is the k-th reference of segment i; null = absent',
        'tokenized': {},
        'corpus_bleu': {},
        'sentence_bleu': {},
        'chrf': {},
        'ter': {},
    }
    from sacrebleu.metrics.bleu import _get_tokenizer
    for tok in ('13a', 'intl', 'char', 'zh'):
        tokenizer = _get_tokenizer(tok)()
        out['tokenized'][tok] = [tokenizer(x) for x in HYPS + REFS_A + REFS_B]
    out['tokenized']['lines'] = HYPS + REFS_A + REFS_B

    bleu_settings = {
        'tok_13a_2refs': ({'tokenize': '13a'}, two_refs),
        'tok_intl_2refs': ({'tokenize': 'intl'}, two_refs),
        'tok_char_2refs': ({'tokenize': 'char'}, two_refs),
        'tok_none_2refs': ({'tokenize': 'none'}, two_refs),
        'tok_zh_2refs': ({'tokenize': 'zh'}, two_refs),
        'tok_char_1ref': ({'tokenize': 'char'}, [REFS_A]),
        'tok_intl_1ref_lc': ({'tokenize': 'intl', 'lowercase': True}, [REFS_A]),
        'var_refs': ({}, three_refs),
        'order_2': ({'max_ngram_order': 2}, two_refs),
        'order_6_char': ({'max_ngram_order': 6, 'tokenize': 'char'}, two_refs),
        'floor_0.2': ({'smooth_method': 'floor', 'smooth_value': 0.2}, [REFS_B]),
        'add-k_0.5': ({'smooth_method': 'add-k', 'smooth_value': 0.5}, [REFS_B]),
        'none_1ref': ({'smooth_method': 'none'}, [REFS_B]),
        'eff_corpus': ({'effective_order': True}, [REFS_B]),
    }
    for key, (kwargs, refs) in bleu_settings.items():
        entry = bleu_entry(BLEU(**kwargs), HYPS, refs)
        entry['kwargs'] = kwargs
        entry['streams'] = streams_of(refs)
        out['corpus_bleu'][key] = entry

    for key, kwargs in {'exp_2refs': {}, 'char_2refs': {'tokenize': 'char'},
                        'floor_intl': {'smooth_method': 'floor', 'tokenize': 'intl'}}.items():
        metric = BLEU(effective_order=True, **kwargs)
        segs = []
        for i, h in enumerate(HYPS):
            s = metric.sentence_score(h, [REFS_A[i], REFS_B[i]])
            segs.append({'score': s.score, 'counts': list(s.counts), 'totals': list(s.totals)})
        out['sentence_bleu'][key] = {'kwargs': dict(kwargs, effective_order=True),
                                     'signature': str(metric.get_signature()), 'segments': segs}

    chrf_settings = {
        'chrF2_2refs': {},
        'chrF2++_2refs': {'word_order': 2},
        'chrF1+_lc': {'beta': 1, 'word_order': 1, 'lowercase': True},
        'chrF3_nc4_ws': {'beta': 3, 'char_order': 4, 'whitespace': True},
        'chrF2_eps': {'eps_smoothing': True},
        'chrF2++_eps_ws': {'word_order': 2, 'eps_smoothing': True, 'whitespace': True},
    }
    for key, kwargs in chrf_settings.items():
        metric = CHRF(**kwargs)
        corpus = metric.corpus_score(HYPS, two_refs)
        segs = [metric.sentence_score(h, [REFS_A[i], REFS_B[i]]).score for i, h in enumerate(HYPS)]
        out['chrf'][key] = {'kwargs': kwargs, 'signature': str(metric.get_signature()), 'corpus': corpus.score,
                            'name': corpus.name, 'segments': segs}

    rand_hyps, rand_refs = random_ter_cases(60)
    out['ter_inputs'] = {'hypotheses': TER_HYPS, 'references': [TER_REFS, TER_REFS_B],
                         'random_hypotheses': rand_hyps, 'random_references': rand_refs}
    for key, kwargs in {'default': {}, 'normalized': {'normalized': True}, 'no_punct': {'no_punct': True},
                        'case_sensitive': {'case_sensitive': True},
                        'normalized_no_punct_cs': {'normalized': True, 'no_punct': True, 'case_sensitive': True},
                        'normalized_asian': {'normalized': True, 'asian_support': True},
                        'no_punct_asian': {'no_punct': True, 'asian_support': True},
                        'normalized_no_punct_asian': {'normalized': True, 'no_punct': True, 'asian_support': True}}.items():
        metric = TER(**kwargs)
        corpus1 = metric.corpus_score(TER_HYPS, [TER_REFS])
        corpus2 = metric.corpus_score(TER_HYPS, [TER_REFS, TER_REFS_B])
        segs = []
        for i, h in enumerate(TER_HYPS):
            s = metric.sentence_score(h, [TER_REFS[i], TER_REFS_B[i]])
            segs.append({'score': s.score, 'num_edits': s.num_edits, 'ref_length': s.ref_length})
        out['ter'][key] = {'kwargs': kwargs, 'signature': str(metric.get_signature()),
                           'corpus_1ref': {'score': corpus1.score, 'num_edits': corpus1.num_edits,
                                           'ref_length': corpus1.ref_length},
                           'corpus_2refs': {'score': corpus2.score, 'num_edits': corpus2.num_edits,
                                            'ref_length': corpus2.ref_length},
                           'segments_2refs': segs}
    # Raw edit counts of the shift search on pre-split words: the part of TER that is pure algorithm.
    out['ter_random_edits'] = [list(translation_edit_rate(h.split(), r.split()))
                               for h, r in zip(rand_hyps, rand_refs)]
    with open(OUT, 'w', encoding='utf-8') as f:
        json.dump(out, f, ensure_ascii=False, indent=1)
        f.write('\n')
    print('wrote', os.path.normpath(OUT))


if __name__ == '__main__':
    main()
