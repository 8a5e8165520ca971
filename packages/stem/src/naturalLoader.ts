import type * as NodeModule from 'node:module';
import { UnsupportedError } from '@nlpkit/core';
import { PKG, check } from './errors.js';
import type { Stem } from './porterStem.js';

/** A CommonJS `require` (Node's, or one made by `createRequire`). */
export type RequireFunction = NodeJS.Require;

/** The natural version range `@nlpkit/stem/natural` is written and tested against (its optional peer). */
const NATURAL_RANGE = '^8.1.1';

let nodeRequire: RequireFunction | undefined;

/**
 * A `require` that resolves from this package, made on first use. It goes through `process.getBuiltinModule`
 * rather than an `import` of `node:module`, so bundlers see no Node built-in and importing the entry loads nothing.
 */
function defaultRequire(): RequireFunction {
  if (nodeRequire !== undefined) return nodeRequire;
  const proc = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
  const moduleApi =
    typeof proc?.getBuiltinModule === 'function' ? (proc.getBuiltinModule('node:module') as typeof NodeModule) : undefined;
  if (moduleApi === undefined) {
    throw new UnsupportedError({
      package: PKG,
      message:
        "natural's stemmers need Node.js ≥ 20.16 (they are CommonJS modules loaded with require); in other runtimes use porterStem from @nlpkit/stem",
    });
  }
  nodeRequire = moduleApi.createRequire(import.meta.url);
  return nodeRequire;
}

function missingPeer(specifier: string, require: RequireFunction, cause: unknown): UnsupportedError {
  let installed: string | undefined;
  try {
    installed = String((require('natural/package.json') as { version?: unknown }).version);
  } catch {
    installed = undefined;
  }
  const message =
    installed === undefined
      ? `natural is not installed: run \`npm i natural\` to use @nlpkit/stem/natural (natural is an optional peer dependency, ${NATURAL_RANGE})`
      : `natural ${installed} has no ${specifier}: run \`npm i natural@${NATURAL_RANGE}\` (the version @nlpkit/stem/natural is written for)`;
  return new UnsupportedError(
    { package: PKG, argument: 'natural', expected: `natural ${NATURAL_RANGE} installed`, foundText: installed ?? 'nothing', message, cause },
    'ERR_MISSING_PEER',
  );
}

/**
 * Loads one module of natural by its path under `natural/lib/natural/` (never natural's index, which prints, reads
 * a `.env` file and loads database drivers). When natural is missing, throws an `UnsupportedError` with code
 * `ERR_MISSING_PEER` that says to run `npm i natural`.
 *
 * @param path e.g. `'stemmers/lancaster_stemmer.js'`
 * @param require the `require` to resolve with (default: one resolving from this package)
 * @internal
 */
export function requireNatural(path: string, require: RequireFunction = defaultRequire()): unknown {
  const specifier = `natural/lib/natural/${path}`;
  try {
    return require(specifier);
  } catch (cause) {
    const code = (cause as { code?: unknown } | null)?.code;
    const message = String((cause as { message?: unknown } | null)?.message);
    if (code === 'MODULE_NOT_FOUND' && message.includes(`'${specifier}'`)) throw missingPeer(specifier, require, cause);
    throw cause;
  }
}

/**
 * A {@link Stem} backed by one of natural's stemmer modules, loaded on the first call (so importing an entry that
 * offers it costs nothing and works without natural installed). Strings longer than
 * {@link MAX_NATURAL_WORD_LENGTH} (256) are returned unchanged, in constant time.
 *
 * @param path the stemmer's path under `natural/lib/natural/`
 * @internal
 */
export function naturalStemmer(path: string): Stem {
  let stemmer: { stem(token: string): string } | undefined;
  return (word: string): string => {
    check.string(word, 'word');
    stemmer ??= requireNatural(path) as { stem(token: string): string };
    // natural's Porter and Carry stemmers take time quadratic in the word's length (8,000 letters: 0.3 s; a
    // megabyte "word": about an hour). No word is that long: longer strings are returned as they are.
    if (word.length > MAX_NATURAL_WORD_LENGTH) return word;
    return stemmer.stem(word);
  };
}

/**
 * The longest string (in UTF-16 code units) the natural-backed stemmers stem; longer ones come back unchanged.
 * @internal
 */
export const MAX_NATURAL_WORD_LENGTH = 256;
