import { InvalidTagError, UnknownNameError } from './errors.js';

/** Tagging schemes for strict entity matching, by seqeval's names. */
export const TAG_SCHEMES = ['IOB1', 'IOB2', 'IOE1', 'IOE2', 'IOBES', 'BILOU'] as const;

/** A tagging scheme: where entities start, continue and end is read from tag prefixes. */
export type TagScheme = (typeof TAG_SCHEMES)[number];

/** An entity (a chunk of tokens): its type and its token span, `end` exclusive. */
export interface Entity {
  readonly type: string;
  readonly start: number;
  readonly end: number;
}

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

const KNOWN_PREFIXES = 'IOBESUL';

interface Token {
  readonly prefix: string;
  readonly type: string;
}

const OUTSIDE: Token = { prefix: 'O', type: '_' };

/** First code point of a tag (Python's `tag[0]`). */
function firstChar(tag: string): string {
  return String.fromCodePoint(tag.codePointAt(0) as number);
}

/** Parses a tag as seqeval's `Token` does: prefix = first character, type = the rest with '-' stripped. */
function parseTag(tag: unknown, argument: string): Token {
  if (typeof tag !== 'string' || tag === '') {
    throw new InvalidTagError(argument, 'a non-empty tag string such as "B-PER" or "O"', tag);
  }
  const prefix = firstChar(tag);
  if (!KNOWN_PREFIXES.includes(prefix)) {
    throw new InvalidTagError(argument, `a tag whose prefix is one of ${KNOWN_PREFIXES.split('').join(', ')}`, tag);
  }
  const type = tag.slice(prefix.length).replace(/^-+|-+$/g, '');
  return { prefix, type: type === '' ? '_' : type };
}

function matches(prev: Token, cur: Token, patterns: readonly Pattern[]): boolean {
  for (const [prevPrefixes, curPrefixes, cond] of patterns) {
    if (prevPrefixes !== '*' && !prevPrefixes.includes(prev.prefix)) continue;
    if (curPrefixes !== '*' && !curPrefixes.includes(cur.prefix)) continue;
    if (cond === 'any' || (cond === 'same') === (prev.type === cur.type)) return true;
  }
  return false;
}

/** Checks a scheme name, throwing an UnknownNameError for anything else. */
export function checkScheme(scheme: unknown): TagScheme {
  if (typeof scheme !== 'string' || !(TAG_SCHEMES as readonly string[]).includes(scheme)) {
    throw new UnknownNameError('scheme', TAG_SCHEMES, scheme);
  }
  return scheme as TagScheme;
}

/**
 * Entities of one tag sequence under a scheme, as seqeval's strict mode finds them: a chunk counts only if it
 * starts, continues and ends the way the scheme says. Throws an InvalidTagError for a tag the scheme forbids.
 * `argument` names the sequence in error messages (e.g. `gold[3]`).
 */
export function strictEntities(tags: readonly string[], scheme: TagScheme, argument = 'tags'): Entity[] {
  const rules = RULES[checkScheme(scheme)];
  const tokens = tags.map((tag, i) => {
    const token = parseTag(tag, `${argument}[${i}]`);
    if (!rules.allowed.includes(token.prefix)) {
      throw new InvalidTagError(`${argument}[${i}]`, `a tag with prefix ${rules.allowed.split('').join(', ')} under scheme ${scheme}`, tag);
    }
    return token;
  });
  const extended = [...tokens, OUTSIDE];
  const entities: Entity[] = [];
  let prev = OUTSIDE;
  let i = 0;
  while (i < extended.length) {
    const token = extended[i] as Token;
    if (matches(prev, token, rules.start)) {
      // Grow the chunk while tokens continue it.
      let end = i + 1;
      let last = token;
      while (end < extended.length && matches(last, extended[end] as Token, rules.inside)) {
        last = extended[end] as Token;
        end++;
      }
      if (matches(extended[end - 1] as Token, extended[end] as Token, rules.end)) {
        entities.push({ type: token.type, start: i, end });
      }
      i = end;
    } else {
      i += 1;
    }
    prev = extended[i - 1] as Token;
  }
  return entities;
}

const AUTO_SCHEMES: readonly (readonly [TagScheme, readonly string[]])[] = [
  ['IOB2', ['IOB', 'IB', 'BO', 'B']],
  ['IOE2', ['IOE', 'IE', 'EO', 'E']],
  ['IOBES', ['IOBES', 'IBES', 'IOBE', 'OBES', 'IBE', 'BES', 'OBE', 'BE', 'S']],
  ['BILOU', ['IOBLU', 'IBLU', 'IOBL', 'OBLU', 'IBL', 'BLU', 'OBL', 'BL', 'U']],
];

/**
 * seqeval's `auto_detect`: picks IOB2, IOE2, IOBES or BILOU from the set of prefixes used in the gold tags.
 * Throws an InvalidTagError when the prefixes fit none of them.
 */
export function detectScheme(sequences: readonly (readonly string[])[], argument = 'gold'): TagScheme {
  const used = new Set<string>();
  sequences.forEach((tags, s) => tags.forEach((tag, i) => used.add(parseTag(tag, `${argument}[${s}][${i}]`).prefix)));
  const key = [...used].sort((a, b) => KNOWN_PREFIXES.indexOf(a) - KNOWN_PREFIXES.indexOf(b)).join('');
  for (const [scheme, sets] of AUTO_SCHEMES) {
    if (sets.some((set) => [...set].sort((a, b) => KNOWN_PREFIXES.indexOf(a) - KNOWN_PREFIXES.indexOf(b)).join('') === key)) {
      return scheme;
    }
  }
  throw new InvalidTagError(
    argument,
    'tags whose prefixes fit IOB2, IOE2, IOBES or BILOU, so that the scheme can be detected (or pass a scheme)',
    `prefixes ${[...key].join(', ') || 'none'}`,
  );
}
