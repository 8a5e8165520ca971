import { describe, expect, it } from 'vitest';
import { TAG_SCHEMES, UnknownNameError, parseTagScheme } from './index.js';

describe('parseTagScheme', () => {
  it('accepts canonical names and the BIO/BIOES aliases', () => {
    for (const s of TAG_SCHEMES) expect(parseTagScheme(s)).toBe(s);
    expect(parseTagScheme('BIO')).toBe('IOB2');
    expect(parseTagScheme('BIOES')).toBe('IOBES');
  });
  it('names the caller package and argument for unknown names', () => {
    expect(() => parseTagScheme('BIOLU', 'options.scheme', '@nlpkit/metrics')).toThrow(
      '@nlpkit/metrics: options.scheme must be one of IOB1, IOB2, IOE1, IOE2, IOBES, BILOU, BIO, BIOES, got "BIOLU"',
    );
    expect(() => parseTagScheme(undefined)).toThrow(UnknownNameError);
  });
});
