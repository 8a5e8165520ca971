import { FormatError, parseTagScheme, type TagScheme, type TagSchemeName } from '@nlpkit/core';
import { PKG, RnnOptionError } from '../errors.js';

/**
 * Which tag sequences a tag scheme allows, as a first-order automaton over tag ids: a CRF adds −∞ to every
 * forbidden start, transition and end, so Viterbi decoding can only produce sequences the scheme allows
 * (an `I-PER` right after `O` in IOB2, a `B-LOC` never closed by `E-LOC` in IOBES).
 */
export interface CrfConstraints {
  /** Number of tags K. */
  readonly numTags: number;
  /** `allowed[i * K + j]`: 1 when tag j may follow tag i. */
  readonly transitions: Uint8Array;
  /** 1 when a sentence may start with the tag. */
  readonly start: Uint8Array;
  /** 1 when a sentence may end with the tag. */
  readonly end: Uint8Array;
  /** The canonical scheme the constraints follow. */
  readonly scheme: TagScheme;
}

/** What a tag does in its scheme: outside, begin, inside, end, single (BILOU's L and U are E and S). */
export type TagRole = 'O' | 'B' | 'I' | 'E' | 'S';
type Role = TagRole;

const PREFIXES: Record<TagScheme, Partial<Record<string, Role>>> = {
  IOB1: { I: 'I', B: 'B' },
  IOB2: { B: 'B', I: 'I' },
  IOE1: { I: 'I', E: 'E' },
  IOE2: { I: 'I', E: 'E' },
  IOBES: { B: 'B', I: 'I', E: 'E', S: 'S' },
  BILOU: { B: 'B', I: 'I', L: 'E', U: 'S' },
};

/** The role and label of a tag under `scheme`; a FormatError naming the tag when the scheme has no such prefix. */
export function parseTag(tag: string, scheme: TagScheme, argument: string): [Role, string] {
  if (tag === 'O') return ['O', ''];
  const dash = tag.indexOf('-');
  const role = dash > 0 ? PREFIXES[scheme][tag.slice(0, dash)] : undefined;
  if (role === undefined || dash === tag.length - 1) {
    const prefixes = Object.keys(PREFIXES[scheme]).map((p) => `${p}-`).join(', ');
    throw new FormatError({ package: PKG, argument, expected: `"O" or a tag starting with ${prefixes} (scheme ${scheme})`, found: tag });
  }
  return [role, tag.slice(dash + 1)];
}

/** Whether `to` may follow `from` (null `from`: sentence start; null `to`: sentence end). */
function allowed(scheme: TagScheme, from: [Role, string] | null, to: [Role, string] | null): boolean {
  const [fr, fl] = from ?? ['<', ''];
  const [tr, tl] = to ?? ['>', ''];
  const same = fl === tl;
  switch (scheme) {
    case 'IOB2':
      // I-X continues an open X entity only.
      return tr !== 'I' || ((fr === 'B' || fr === 'I') && same);
    case 'IOB1':
      // B-X only separates two adjacent X entities; I-X starts or continues one.
      return tr !== 'B' || ((fr === 'B' || fr === 'I') && same);
    case 'IOE2':
      // After I-X the entity must go on (I-X) or end (E-X); a sentence cannot end inside one.
      if (fr === 'I') return (tr === 'I' || tr === 'E') && same;
      return true;
    case 'IOE1':
      // E-X only ends an X entity that another X entity follows at once.
      if (fr === 'E') return tr === 'I' && same;
      return true;
    case 'IOBES':
    case 'BILOU': {
      const inside = fr === 'B' || fr === 'I';
      const continues = tr === 'I' || tr === 'E';
      return inside ? continues && same : !continues;
    }
  }
}

/**
 * The constraints of `scheme` over a tag set (tag id = index in `tags`, e.g. a tag vocabulary's tokens). Tags
 * outside the scheme (an `S-` tag under IOB2, a bare `PER`) are a FormatError naming the tag.
 * @param tags every tag, `'O'` or `PREFIX-LABEL`
 * @param scheme a scheme name or alias of `@nlpkit/core` (`IOB2`, `BIO`, `IOBES`, `BIOES`, `BILOU`, `IOB1`, `IOE1`, `IOE2`)
 */
export function crfConstraints(tags: readonly string[], scheme: TagSchemeName): CrfConstraints {
  const name = parseTagScheme(scheme, 'scheme', PKG);
  if (!Array.isArray(tags) || tags.length === 0) throw new RnnOptionError({ argument: 'tags', expected: 'a non-empty array of tags', found: tags });
  const parsed = tags.map((t, i) => {
    if (typeof t !== 'string') throw new RnnOptionError({ argument: `tags[${i}]`, expected: 'a string', found: t });
    return parseTag(t, name, `tags[${i}]`);
  });
  const K = tags.length;
  const transitions = new Uint8Array(K * K);
  const start = new Uint8Array(K);
  const end = new Uint8Array(K);
  parsed.forEach((to, j) => {
    start[j] = allowed(name, null, to) ? 1 : 0;
    end[j] = allowed(name, to, null) ? 1 : 0;
    parsed.forEach((from, i) => {
      transitions[i * K + j] = allowed(name, from, to) ? 1 : 0;
    });
  });
  return Object.freeze({ numTags: K, transitions, start, end, scheme: name });
}

/**
 * Throws a FormatError at the first tag of `ids` the constraints forbid (after its predecessor, at the start or at
 * the end), naming `argument[position]` and the tags: training data that breaks its own scheme is refused rather
 * than learned, since a constrained CRF gives such a sequence zero probability.
 */
export function checkTagSequence(ids: readonly number[], constraints: CrfConstraints, tags: readonly string[], argument: string): void {
  const K = constraints.numTags;
  const name = (id: number): string => tags[id] ?? String(id);
  ids.forEach((id, t) => {
    if (t === 0 && constraints.start[id] !== 1) {
      throw new FormatError({ package: PKG, argument: `${argument}[0]`, expected: `a tag that may start a sentence in ${constraints.scheme}`, found: name(id) });
    }
    if (t > 0 && constraints.transitions[(ids[t - 1] as number) * K + id] !== 1) {
      throw new FormatError({
        package: PKG,
        argument: `${argument}[${t}]`,
        expected: `a tag that may follow ${name(ids[t - 1] as number)} in ${constraints.scheme}`,
        found: name(id),
      });
    }
  });
  const last = ids[ids.length - 1];
  if (last !== undefined && constraints.end[last] !== 1) {
    throw new FormatError({ package: PKG, argument: `${argument}[${ids.length - 1}]`, expected: `a tag that may end a sentence in ${constraints.scheme}`, found: name(last) });
  }
}
