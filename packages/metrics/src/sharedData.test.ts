import { readFileSync } from 'node:fs';
import { referenceData } from '@nlpkit/vitest-config';
import { describe, expect, it } from 'vitest';
import { corpusBleu, corpusChrf, corpusTer, entityF1, sentenceBleu } from './index.js';

// Real benchmark data (public: Multi30k test 2016, WikiANN English test), scored against numbers made by
// sacreBLEU 2.6 and seqeval 1.2 (scripts/golden/metrics/make_shared_data_fixture.py); the corruption rules below
// are the generator's. The files are looked up by referenceData: when they are missing the suite is skipped with
// the reason printed in the summary (a failure under NLPKIT_REQUIRE_SHARED_DATA=1, as in CI).
const MT = 'multi30k/raw/test_2016_flickr.en';
const NER = 'wikiann-en/test';
const data = referenceData(MT, NER);

type Report = Record<string, { precision: number; recall: number; 'f1-score': number; support: number }>;
const expected = JSON.parse(readFileSync(new URL('../test/fixtures/shared_data_expected.json', import.meta.url), 'utf8')) as {
  multi30k_test_2016_flickr_en: Record<'bleu_13a' | 'bleu_intl' | 'bleu_char' | 'chrf2' | 'chrf2pp' | 'ter' | 'ter_normalized', number> & { sentence_bleu: number[] };
  wikiann_en_test: Record<'default' | 'strict_IOB2', Report>;
};

function corrupt(line: string, i: number): string {
  let words = line.split(' ');
  if (i % 5 === 0 && words.length > 3) words.splice(2, 1);
  if (i % 3 === 0 && words.length > 4) [words[1], words[3]] = [words[3] as string, words[1] as string];
  if (i % 7 === 0 && words.length > 4) words = [...words.slice(-2), ...words.slice(0, -2)];
  return words.join(' ');
}

describe('real data: Multi30k and WikiANN', data.options, () => {
  it('Multi30k test 2016 (1,000 segments): BLEU, chrF, TER and sentence BLEU equal sacreBLEU', () => {
    const refs = readFileSync(data.path(MT), 'utf8').replace(/\n$/, '').split('\n');
    const hyps = refs.map(corrupt);
    const want = expected.multi30k_test_2016_flickr_en;
    const got = {
      bleu_13a: corpusBleu(hyps, [refs]).score,
      bleu_intl: corpusBleu(hyps, [refs], { tokenize: 'intl' }).score,
      bleu_char: corpusBleu(hyps, [refs], { tokenize: 'char' }).score,
      chrf2: corpusChrf(hyps, [refs]).score,
      chrf2pp: corpusChrf(hyps, [refs], { wordOrder: 2 }).score,
      ter: corpusTer(hyps, [refs]).score,
      ter_normalized: corpusTer(hyps, [refs], { normalized: true }).score,
    };
    for (const [key, value] of Object.entries(got)) expect(Math.abs(value - want[key as keyof typeof got]), key).toBeLessThan(1e-9);
    hyps.forEach((hyp, i) => expect(Math.abs(sentenceBleu(hyp, [refs[i] as string]).score - (want.sentence_bleu[i] as number)), `segment ${i}`).toBeLessThan(1e-9));
  });

  it('WikiANN en test (10,000 sentences): entity F1 equals seqeval in default and strict IOB2 mode', () => {
    const gold: string[][] = [];
    let sentence: string[] = [];
    for (const line of readFileSync(data.path(NER), 'utf8').split('\n')) {
      if (line.trim() === '') {
        if (sentence.length) gold.push(sentence);
        sentence = [];
      } else {
        sentence.push(line.split('\t')[1] as string);
      }
    }
    if (sentence.length) gold.push(sentence);
    const swap: Record<string, string> = { O: 'B-PER', 'B-PER': 'I-PER', 'I-PER': 'O', 'B-ORG': 'B-LOC', 'I-ORG': 'I-LOC', 'B-LOC': 'O', 'I-LOC': 'I-ORG' };
    let k = 0;
    const pred = gold.map((tags) => tags.map((tag) => (++k % 13 === 0 ? (swap[tag] ?? 'O') : tag)));
    for (const [mode, options] of [['default', {}], ['strict_IOB2', { mode: 'strict', scheme: 'IOB2' }]] as const) {
      const result = entityF1(gold, pred, options);
      const rows = { ...result.types, 'micro avg': result.micro, 'macro avg': result.macro, 'weighted avg': result.weighted };
      for (const [name, want] of Object.entries(expected.wikiann_en_test[mode])) {
        const row = rows[name as keyof typeof rows] as { precision: number; recall: number; f1: number; support: number };
        expect([row.precision, row.recall, row.f1, row.support], `${mode} ${name}`).toEqual([want.precision, want.recall, want['f1-score'], want.support]);
      }
    }
  });
});
