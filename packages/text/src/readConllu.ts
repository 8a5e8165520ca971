import { formatError, parse, type Lines, type ReadResult } from './lines.js';

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
  const out: Record<string, string> = {};
  if (s === '_') return out;
  for (const part of s.split('|')) {
    const eq = part.indexOf('=');
    if (eq > 0) out[part.slice(0, eq)] = part.slice(eq + 1);
  }
  return out;
}

/**
 * Reads CoNLL-U (Universal Dependencies) files: ten tab-separated columns per word, `#` comments, blank lines
 * between sentences; multiword token ranges (`1-2`) are kept apart and empty nodes (`1.1`) skipped.
 */
export function readConllu<L extends Lines>(lines: L): ReadResult<L, ConlluSentence>;
export function readConllu(lines: Lines): Generator<ConlluSentence, void, undefined> | AsyncGenerator<ConlluSentence, void, undefined> {
  let meta: Record<string, string> = {};
  let tokens: ConlluToken[] = [];
  let multiwords: { start: number; end: number; form: string }[] = [];
  let first = 0;
  const flush = (): ConlluSentence | undefined => {
    const s = tokens.length > 0 || multiwords.length > 0 ? { meta, tokens, multiwords, line: first } : undefined;
    meta = {};
    tokens = [];
    multiwords = [];
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
      const range = /^(\d+)-(\d+)$/.exec(id);
      if (range !== null) {
        multiwords.push({ start: Number(range[1]), end: Number(range[2]), form });
        return undefined;
      }
      if (/^\d+\.\d+$/.test(id)) return undefined;
      if (!/^\d+$/.test(id)) throw formatError(n, `CoNLL-U line ${n} has an invalid ID ${JSON.stringify(id)}`, JSON.stringify(id));
      if (head !== '_' && !/^\d+$/.test(head)) {
        throw formatError(n, `CoNLL-U line ${n} has an invalid HEAD ${JSON.stringify(head)}`, JSON.stringify(head));
      }
      tokens.push({ id: Number(id), form, lemma, upos, xpos, feats: parseFeats(feats), head: head === '_' ? null : Number(head), deprel, deps, misc });
      return undefined;
    },
    end: flush,
  });
}
