import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadPtb, ptb } from '../test/ptbData.js';
import { absoluteDiscounting } from './absoluteDiscounting.js';
import type { CountLanguageModel } from './countLanguageModel.js';
import { kneserNeyInterpolated } from './kneserNeyInterpolated.js';
import { laplace, lidstone } from './lidstone.js';
import { mle } from './mle.js';
import { collectNgramStatistics } from './ngramStatistics.js';
import { stupidBackoff } from './stupidBackoff.js';
import { wittenBell } from './wittenBell.js';

interface Case {
  model: string;
  order: number;
  params: { k?: number; discount?: number; unkCutoff?: number; alpha?: number };
  vocabularySize: number;
  rows: [string[], string, number][];
}
const fixture = JSON.parse(readFileSync(new URL('../test/fixtures/nltk-family.json', import.meta.url), 'utf8')) as {
  trainLines: number;
  cases: Case[];
};

describe('smoothing family against NLTK nltk.lm on a PTB slice', ptb.options, () => {
  const train = ptb.available ? loadPtb('train').slice(0, fixture.trainLines) : [];
  for (const c of fixture.cases) {
    it(`${c.model}, order ${c.order}: ${c.rows.length} probabilities equal to 1e-9`, () => {
      // NLTK conventions: order−1 pads each side, pads counted as words, unknown words mapped by unk_cutoff.
      const stats = collectNgramStatistics(train, { order: c.order, padding: 'nltk', unkCutoff: c.params.unkCutoff ?? 1 });
      const build: Record<string, () => Pick<CountLanguageModel, 'prob'>> = {
        mle: () => mle(stats),
        laplace: () => laplace(stats),
        lidstone: () => lidstone(stats, { k: c.params.k! }),
        wittenBell: () => wittenBell(stats),
        wittenBellCutoff2: () => wittenBell(stats),
        absoluteDiscounting: () => absoluteDiscounting(stats, { discount: c.params.discount! }),
        kneserNeyInterpolated: () => kneserNeyInterpolated(stats, { discount: c.params.discount! }),
        // A score, not a probability: compared through the same `prob`-shaped accessor.
        stupidBackoff: () => {
          const sb = stupidBackoff(stats, { alpha: c.params.alpha! });
          return { prob: (w: string, ctx: readonly string[], start?: boolean) => sb.score(w, ctx, start) };
        },
      };
      const model = build[c.model]!();
      expect(stats.wordIndex.size).toBe(c.vocabularySize);
      let worst = 0;
      for (const [context, word, expected] of c.rows) {
        const actual = model.prob(word, context, false);
        worst = Math.max(worst, Math.abs(actual - expected));
        if (!(Math.abs(actual - expected) <= 1e-9)) {
          expect.fail(`p(${word} | ${context.join(' ')}) = ${actual}, NLTK ${expected}`);
        }
      }
      expect(worst).toBeLessThanOrEqual(1e-9);
    });
  }
});
