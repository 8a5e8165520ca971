import { expect, it } from 'vitest';
import { schemeSpans } from './tagSpans.js';

it('schemeSpans reads the entities of well-formed sequences in every scheme', () => {
  const per = (start: number, end: number) => ({ label: 'PER', start, end });
  expect(schemeSpans(['B-PER', 'I-PER', 'O', 'B-PER', 'B-PER'], 'IOB2')).toEqual([per(0, 2), per(3, 4), per(4, 5)]);
  expect(schemeSpans(['I-PER', 'I-PER', 'B-PER', 'O', 'I-LOC'], 'IOB1')).toEqual([per(0, 2), per(2, 3), { label: 'LOC', start: 4, end: 5 }]);
  expect(schemeSpans(['B-PER', 'E-PER', 'S-PER', 'O', 'B-PER', 'I-PER', 'E-PER'], 'IOBES')).toEqual([per(0, 2), per(2, 3), per(4, 7)]);
  expect(schemeSpans(['U-PER', 'B-PER', 'L-PER'], 'BILOU')).toEqual([per(0, 1), per(1, 3)]);
  expect(schemeSpans(['I-PER', 'E-PER', 'E-PER', 'O'], 'IOE2')).toEqual([per(0, 2), per(2, 3)]);
  expect(schemeSpans(['I-PER', 'E-PER', 'I-PER', 'O'], 'IOE1')).toEqual([per(0, 2), per(2, 3)]);
  expect(schemeSpans([], 'IOB2')).toEqual([]);
  expect(() => schemeSpans(['B-PER', 'X'], 'IOB2')).toThrow(/tags\[1\]/);
});
