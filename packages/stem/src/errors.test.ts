import { InvalidArgumentError, NlpkitError, UnknownNameError } from '@nlpkit/core';
import { describe, expect, it } from 'vitest';
import * as main from './index.js';
import * as natural from './natural.js';
import * as node from './node.js';

describe('errors of @nlpkit/stem', () => {
  it('exports no error class of its own: it throws the classes of @nlpkit/core', () => {
    const exported: unknown[] = Object.values({ ...main, ...natural, ...node });
    expect(exported.filter((v) => typeof v === 'function' && v.prototype instanceof Error)).toEqual([]);
  });

  it('throws NlpkitErrors with a code from every entry', () => {
    const thrown = (f: () => unknown): unknown => {
      try {
        f();
      } catch (e) {
        return e;
      }
      return undefined;
    };
    const errors = [
      thrown(() => main.porterStem(1 as unknown as string)),
      thrown(() => natural.lancasterStem(null as unknown as string)),
      thrown(() => natural.stemmer('xx' as 'en')),
      thrown(() => node.japaneseStem([] as unknown as string)),
    ];
    expect(errors.map((e) => e instanceof NlpkitError && e.code)).toEqual([
      'ERR_INVALID_ARGUMENT',
      'ERR_INVALID_ARGUMENT',
      'ERR_UNKNOWN_NAME',
      'ERR_INVALID_ARGUMENT',
    ]);
    expect(errors[0]).toBeInstanceOf(InvalidArgumentError);
    expect(errors[2]).toBeInstanceOf(UnknownNameError);
  });
});
