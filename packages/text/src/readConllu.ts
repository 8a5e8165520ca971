import { formatError, parse, quote, type Lines, type ReadResult } from './lines.js';

/** One word line of a CoNLL-U file. */
export interface ConlluToken {
  readonly id: number;
  readonly form: string;
  readonly lemma: string;
  readonly upos: string;
  readonly xpos: string;
  /** Morphological features (`Number=Sing|Gender=Masc`), `{}` for `_`. */
  readonly feats: Record<string, string>;
  /** Head word id (0 = root), or null when unannotated (`_`). */
  readonly head: number | null;
  readonly deprel: string;
  readonly deps: string;
  readonly misc: string;
}

/** A CoNLL-U sentence. */
export interface ConlluSentence {
  /** `# key = value` comments (`sent_id`, `text`...); a comment without `=` maps to `''`. */
  readonly meta: Record<string, string>;
  /** Syntactic words (integer ids). */
  readonly tokens: ConlluToken[];
  /** Multiword tokens (`1-2 du`): the surface form covering words `start..end`. */
  readonly multiwords: { readonly start: number; readonly end: number; readonly form: string }[];
  /** Line number (1-based) where the sentence starts. */
  readonly line: number;
}

function parseFeats(s: string): Record<string, string> {
  // No prototype: a feature named __proto__ or constructor is a feature like any other.
  const out = Object.create(null) as Record<string, string>;
  if (s === '_') return out;
  for (const part of s.split('|')) {
    const eq = part.indexOf('=');
    if (eq > 0) out[part.slice(0, eq)] = part.slice(eq + 1);
  }
  return out;
}

/** The value of a field of ASCII digits that is a safe integer, else -1 (no regex: fields may be megabytes long). */
function integer(s: string, from = 0, to = s.length): number {
  if (to <= from || to - from > 15) return -1;
  for (let i = from; i < to; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x30 || c > 0x39) return -1;
  }
  return Number(s.slice(from, to));
}

/**
 * Reads CoNLL-U (Universal Dependencies) files: ten tab-separated columns per word, `#` comments, blank lines
 * between sentences; multiword token ranges (`1-2`) are kept apart and empty nodes (`1.1`) skipped.
 *
 * Checked as the UD validator's first level does, each as a `FormatError` (`@nlpkit/core`) naming the line: ten
 * fields; word ids 1, 2, 3… in order; a multiword range `a-b` with `a ≤ b` starting at the next word; HEAD `_` or
 * a word id of the sentence (0 for the root). `meta` and `feats` are objects without a prototype, so a comment or
 * a feature called `__proto__` is kept like any other.
 */
export function readConllu<L extends Lines>(lines: L): ReadResult<L, ConlluSentence>;
export function readConllu(lines: Lines): Generator<ConlluSentence, void, undefined> | AsyncGenerator<ConlluSentence, void, undefined> {
  let meta = Object.create(null) as Record<string, string>;
  let tokens: ConlluToken[] = [];
  let multiwords: { start: number; end: number; form: string }[] = [];
  let tokenLines: number[] = [];
  let first = 0;
  const flush = (): ConlluSentence | undefined => {
    tokens.forEach((t, k) => {
      if (t.head !== null && t.head > tokens.length) {
        const n = tokenLines[k] as number;
        throw formatError(n, `CoNLL-U line ${n} has HEAD ${t.head}, but the sentence has ${tokens.length} words`, String(t.head));
      }
    });
    const last = multiwords.at(-1);
    if (last !== undefined && last.end > tokens.length) {
      throw formatError(first, `CoNLL-U sentence at line ${first} has a multiword token ${last.start}-${last.end} beyond its ${tokens.length} words`);
    }
    const s = tokens.length > 0 || multiwords.length > 0 ? { meta, tokens, multiwords, line: first } : undefined;
    meta = Object.create(null) as Record<string, string>;
    tokens = [];
    multiwords = [];
    tokenLines = [];
    first = 0;
    return s;
  };
  return parse(lines, {
    line(line, n) {
      if (line.trim() === '') return flush();
      if (first === 0) first = n;
      if (line.startsWith('#')) {
        const body = line.slice(1).trim();
        const eq = body.indexOf('=');
        if (eq < 0) meta[body] = '';
        else meta[body.slice(0, eq).trim()] = body.slice(eq + 1).trim();
        return undefined;
      }
      const f = line.split('\t');
      if (f.length !== 10) throw formatError(n, `CoNLL-U line ${n} must have 10 tab-separated fields, got ${f.length}`, String(f.length));
      const [id = '', form = '', lemma = '', upos = '', xpos = '', feats = '', head = '', deprel = '', deps = '', misc = ''] = f;
      const expected = tokens.length + 1;
      const dash = id.indexOf('-');
      if (dash >= 0) {
        const start = integer(id, 0, dash);
        const end = integer(id, dash + 1);
        if (start !== expected || end < start) {
          throw formatError(n, `CoNLL-U line ${n} has a multiword range ${quote(id)} where ${expected}-N (N ≥ ${expected}) was due`, quote(id));
        }
        multiwords.push({ start, end, form });
        return undefined;
      }
      const dot = id.indexOf('.');
      if (dot >= 0) {
        // An empty node (enhanced dependencies): n.m after word n.
        if (integer(id, 0, dot) !== expected - 1 || integer(id, dot + 1) < 1) {
          throw formatError(n, `CoNLL-U line ${n} has an invalid empty node ID ${quote(id)}`, quote(id));
        }
        return undefined;
      }
      if (integer(id) !== expected) {
        throw formatError(n, `CoNLL-U line ${n} has ID ${quote(id)} where ${expected} was due`, quote(id));
      }
      const headId = head === '_' ? null : integer(head);
      if (headId === -1) throw formatError(n, `CoNLL-U line ${n} has an invalid HEAD ${quote(head)}`, quote(head));
      tokens.push({ id: expected, form, lemma, upos, xpos, feats: parseFeats(feats), head: headId, deprel, deps, misc });
      tokenLines.push(n);
      return undefined;
    },
    end: flush,
  });
}
