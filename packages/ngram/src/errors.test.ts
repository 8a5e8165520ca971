import * as core from '@nlpkit/core';
import { FormatError, InvalidArgumentError, NlpkitError } from '@nlpkit/core';
import { describe, expect, it } from 'vitest';
import * as api from './index.js';
import * as nodeApi from './node.js';
import { ArpaFormatError, BinaryModelFormatError, NgramInputError, StupidBackoffFormatError, WrongFormatError } from './errors.js';

describe('errors', () => {
  it('every exported error class is an NlpkitError with its own stable code', () => {
    const classes = Object.entries({ ...api, ...nodeApi }).filter(
      ([, value]) => typeof value === 'function' && (value as { prototype?: unknown }).prototype instanceof Error,
    );
    expect(classes.map(([name]) => name).sort()).toEqual(['ArpaFormatError', 'BinaryModelFormatError', 'NgramInputError', 'StupidBackoffFormatError', 'WrongFormatError']);
    const samples: [NlpkitError, string, unknown][] = [
      [new NgramInputError({ package: '@nlpkit/ngram', argument: 'sentences[0]', expected: 'an array', found: 1, line: 1 }), 'ERR_NGRAM_INPUT', InvalidArgumentError],
      [new ArpaFormatError('bad', 3), 'ERR_ARPA_FORMAT', FormatError],
      [new BinaryModelFormatError('bad'), 'ERR_BINARY_MODEL_FORMAT', FormatError],
      [new WrongFormatError('gzip', 'this is gzip data'), 'ERR_WRONG_FORMAT', FormatError],
      [new StupidBackoffFormatError(2, '"order N"', 'the end of the text'), 'ERR_STUPID_BACKOFF_FORMAT', FormatError],
    ];
    for (const [error, code, base] of samples) {
      expect(error).toBeInstanceOf(NlpkitError);
      expect(error).toBeInstanceOf(base as typeof Error);
      expect(error.code).toBe(code);
      expect(error.package).toBe('@nlpkit/ngram');
      expect(error.message.startsWith('@nlpkit/ngram: ')).toBe(true);
    }
    expect(new ArpaFormatError('bad', 3).line).toBe(3);
    expect(new WrongFormatError('ngram-binary', 'x').format).toBe('ngram-binary');
  });

  it('exports no name that @nlpkit/core exports (users import contracts from core)', () => {
    const coreNames = new Set(Object.keys(core));
    const clashes = [...Object.keys(api), ...Object.keys(nodeApi)].filter((name) => coreNames.has(name));
    expect(clashes).toEqual([]);
    for (const gone of ['Vocabulary', 'UNK_ID', 'BOS_ID', 'EOS_ID', 'evaluatePerplexity', 'interpolateModels', 'generateText', 'mulberry32', 'readLines']) {
      expect(gone in api || gone in nodeApi).toBe(false);
    }
  });
});
