import { parseTagScheme, type Span, type TagScheme, type TagSchemeName } from '@nlpkit/core';
import { InvalidTagError, PKG } from './errors.js';

type Cond = 'same' | 'diff' | 'any';
/** [previous prefixes, current prefixes, type condition]; `*` is any prefix. */
type Pattern = readonly [string, string, Cond];

interface SchemeRules {
  readonly allowed: string;
  readonly start: readonly Pattern[];
  readonly inside: readonly Pattern[];
  readonly end: readonly Pattern[];
}

// The transition tables of seqeval 1.2's scheme classes: an entity starts where a `start` pattern matches the
// (previous, current) token pair, grows while `inside` patterns match, and counts only if the token after it
// and the entity's last token match an `end` pattern. IOE1 is reproduced with seqeval's known gaps (its own
// tests mark some IOE1 cases as unhandled) because the point is to give seqeval's numbers.
const RULES: Readonly<Record<TagScheme, SchemeRules>> = {
  IOB1: {
    allowed: 'IOB',
    start: [['O', 'I', 'any'], ['I', 'I', 'diff'], ['B', 'I', 'any'], ['I', 'B', 'same'], ['B', 'B', 'same']],
    inside: [['B', 'I', 'same'], ['I', 'I', 'same']],
    end: [['I', 'I', 'diff'], ['I', 'O', 'any'], ['I', 'B', 'any'], ['B', 'O', 'any'], ['B', 'I', 'diff'], ['B', 'B', 'same']],
  },
  IOE1: {
    allowed: 'IOE',
    start: [['O', 'I', 'any'], ['I', 'I', 'diff'], ['E', 'I', 'any'], ['E', 'E', 'same']],
    inside: [['I', 'I', 'same'], ['I', 'E', 'same']],
    end: [['I', 'I', 'diff'], ['I', 'O', 'any'], ['I', 'E', 'diff'], ['E', 'I', 'same'], ['E', 'E', 'same']],
  },
  IOB2: {
    allowed: 'IOB',
    start: [['*', 'B', 'any']],
    inside: [['B', 'I', 'same'], ['I', 'I', 'same']],
    end: [['I', 'O', 'any'], ['I', 'I', 'diff'], ['I', 'B', 'any'], ['B', 'O', 'any'], ['B', 'I', 'diff'], ['B', 'B', 'any']],
  },
  IOE2: {
    allowed: 'IOE',
    start: [['O', 'I', 'any'], ['O', 'E', 'any'], ['E', 'I', 'any'], ['E', 'E', 'any'], ['I', 'I', 'diff'], ['I', 'E', 'diff']],
    inside: [['I', 'E', 'same'], ['I', 'I', 'same']],
    end: [['E', '*', 'any']],
  },
  IOBES: {
    allowed: 'IOBES',
    start: [['*', 'B', 'any'], ['*', 'S', 'any']],
    inside: [['B', 'I', 'same'], ['B', 'E', 'same'], ['I', 'I', 'same'], ['I', 'E', 'same']],
    end: [['S', '*', 'any'], ['E', '*', 'any']],
  },
  BILOU: {
    allowed: 'BILOU',
    start: [['*', 'B', 'any'], ['*', 'U', 'any']],
    inside: [['B', 'I', 'same'], ['B', 'L', 'same'], ['I', 'I', 'same'], ['I', 'L', 'same']],
    end: [['U', '*', 'any'], ['L', '*', 'any']],
  },
};

/** Every prefix seqeval knows, in the order `auto_detect` sorts them. */
export const KNOWN_PREFIXES = 'IOBESUL';

/** A tag split as seqeval's `Token` splits it. */
export interface ParsedTag {
  readonly prefix: string;
  readonly label: string;
}

const OUTSIDE: ParsedTag = { prefix: 'O', label: '_' };

/** First code point of a tag (Python's `tag[0]`). */
function firstChar(tag: string): string {
  return String.fromCodePoint(tag.codePointAt(0) as number);
}

/**
 * Parses a tag as seqeval's `Token` does: prefix = first character, label = the rest with '-' stripped. An
 * {@link InvalidTagError} names `argument` for anything that is not a non-empty string with a known prefix.
 */
export function parseTag(tag: unknown, argument: string): ParsedTag {
  if (typeof tag !== 'string' || tag === '') {
    throw new InvalidTagError({ argument, expected: 'a non-empty tag string such as "B-PER" or "O"', found: tag });
  }
  const prefix = firstChar(tag);
  if (!KNOWN_PREFIXES.includes(prefix)) {
    throw new InvalidTagError({ argument, expected: `a tag whose prefix is one of ${KNOWN_PREFIXES.split('').join(', ')}`, found: tag });
  }
  const label = tag.slice(prefix.length).replace(/^-+|-+$/g, '');
  return { prefix, label: label === '' ? '_' : label };
}

function matches(prev: ParsedTag, cur: ParsedTag, patterns: readonly Pattern[]): boolean {
  for (const [prevPrefixes, curPrefixes, cond] of patterns) {
    if (prevPrefixes !== '*' && !prevPrefixes.includes(prev.prefix)) continue;
    if (curPrefixes !== '*' && !curPrefixes.includes(cur.prefix)) continue;
    if (cond === 'any' || (cond === 'same') === (prev.label === cur.label)) return true;
  }
  return false;
}

/**
 * Entities of one tag sequence under a scheme, as seqeval's strict mode finds them: a chunk counts only if it
 * starts, continues and ends the way the scheme says. `scheme` is a name or alias from `@nlpkit/core`
 * (`'IOB2'`, `'BIO'`, `'BIOES'`...). Throws an {@link InvalidTagError} for a tag the scheme forbids; `argument`
 * names the sequence in error messages (e.g. `gold[3]`).
 *
 * @example
 * strictEntities(['B-PER', 'I-PER', 'O', 'I-LOC'], 'BIO') // [{ label: 'PER', start: 0, end: 2 }]
 */
export function strictEntities(tags: readonly string[], scheme: TagSchemeName, argument = 'tags'): Span[] {
  const canonical: TagScheme = parseTagScheme(scheme, 'scheme', PKG);
  const rules = RULES[canonical];
  const parsed = tags.map((tag, i) => {
    const token = parseTag(tag, `${argument}[${i}]`);
    if (!rules.allowed.includes(token.prefix)) {
      throw new InvalidTagError({
        argument: `${argument}[${i}]`,
        expected: `a tag with prefix ${rules.allowed.split('').join(', ')} under scheme ${canonical}`,
        found: tag,
      });
    }
    return token;
  });
  const extended = [...parsed, OUTSIDE];
  const entities: Span[] = [];
  let prev = OUTSIDE;
  let i = 0;
  while (i < extended.length) {
    const token = extended[i]!;
    if (matches(prev, token, rules.start)) {
      // Grow the chunk while tokens continue it.
      let end = i + 1;
      let last = token;
      while (end < extended.length && matches(last, extended[end]!, rules.inside)) {
        last = extended[end]!;
        end++;
      }
      if (matches(extended[end - 1]!, extended[end]!, rules.end)) {
        entities.push({ label: token.label, start: i, end });
      }
      i = end;
    } else {
      i += 1;
    }
    prev = extended[i - 1]!;
  }
  return entities;
}

