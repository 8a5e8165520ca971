import { UnknownNameError } from './errors.js';

/**
 * Tagging schemes by seqeval's names: where an entity starts, continues and ends is read from tag prefixes
 * (`B-`, `I-`, `E-`, `S-`/`U-`, `L-`). `BIO` and `BIOES` are accepted as aliases of `IOB2` and `IOBES`
 * everywhere a scheme is taken; see {@link parseTagScheme}.
 */
export type TagScheme = 'IOB1' | 'IOB2' | 'IOE1' | 'IOE2' | 'IOBES' | 'BILOU';

/** Every canonical scheme name. */
export const TAG_SCHEMES: readonly TagScheme[] = Object.freeze(['IOB1', 'IOB2', 'IOE1', 'IOE2', 'IOBES', 'BILOU'] as const);

/** Other common names of the schemes, and the scheme each one means. */
export const TAG_SCHEME_ALIASES: Readonly<Record<string, TagScheme>> = Object.freeze({ BIO: 'IOB2', BIOES: 'IOBES' });

/** A scheme name as callers may spell it: a canonical name or an alias. */
export type TagSchemeName = TagScheme | 'BIO' | 'BIOES';

/**
 * The canonical scheme for a name or alias; an {@link UnknownNameError} (from `packageName`, naming `argument`)
 * for anything else.
 */
export function parseTagScheme(name: unknown, argument = 'scheme', packageName = '@nlpkit/core'): TagScheme {
  if (typeof name === 'string') {
    if ((TAG_SCHEMES as readonly string[]).includes(name)) return name as TagScheme;
    const alias = TAG_SCHEME_ALIASES[name];
    if (alias !== undefined) return alias;
  }
  throw new UnknownNameError({
    package: packageName,
    argument,
    allowed: [...TAG_SCHEMES, ...Object.keys(TAG_SCHEME_ALIASES)],
    found: name,
  });
}

/**
 * An entity (a labelled chunk) over token positions `[start, end)`: what `@nlpkit/text`'s `tagsToSpans`
 * returns and what `@nlpkit/metrics` scores.
 */
export interface Span {
  /** The entity type, e.g. `'PER'` (the tag without its prefix). */
  readonly label: string;
  /** Index of the first token. */
  readonly start: number;
  /** Index one past the last token. */
  readonly end: number;
}
