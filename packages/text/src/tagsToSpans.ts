import { FormatError, InvalidArgumentError, parseTagScheme, type Span, type TagSchemeName } from '@nlpkit/core';
import { PKG, check } from './errors.js';

/**
 * What to do with a sequence the scheme does not allow (an `I-` with no `B-` in IOB2, a `B-` never closed by
 * `E-` in IOBES, an `I-X` right after `B-Y`):
 * - `'repair'` (default): keep going as conlleval and seqeval's default mode do. A token that cannot continue the
 *   open entity starts a new one (`O I-PER I-PER` is one PER entity), and an entity whose closing tag is missing
 *   ends where the next entity or `O` begins.
 * - `'drop'`: keep only well-formed entities, as seqeval's strict mode does. Tokens of a badly started or
 *   unterminated chunk belong to no entity.
 * - `'throw'`: throw a {@link FormatError} naming the position and tag.
 */
export type Malformed = 'repair' | 'drop' | 'throw';

/** Options for {@link tagsToSpans} and {@link convertTags}. */
export interface TagOptions {
  readonly malformed?: Malformed;
}

type Canonical = 'IOB1' | 'IOB2' | 'IOE1' | 'IOE2' | 'IOBES';

const PREFIXES: Record<Canonical, string> = { IOB1: 'IB', IOB2: 'BI', IOE1: 'IE', IOE2: 'IE', IOBES: 'BIES' };

/** The decoding rules of a scheme name or alias: BILOU is IOBES with `L-`/`U-` for `E-`/`S-`. */
function canonical(scheme: unknown, argument: string): [Canonical, boolean] {
  const name = parseTagScheme(scheme, argument, PKG);
  return name === 'BILOU' ? ['IOBES', true] : [name, false];
}

/**
 * Decodes a tag sequence into entity spans.
 *
 * @param tags one tag per token: `'O'` or `PREFIX-LABEL` (`B-PER`, `I-LOC`, `U-ORG`...)
 * @param scheme the scheme the tags follow: a name from `TAG_SCHEMES` of `@nlpkit/core` (`IOB1`, `IOB2`, `IOE1`,
 *   `IOE2`, `IOBES`, `BILOU`) or an alias (`BIO` = `IOB2`, `BIOES` = `IOBES`)
 * @returns spans as `@nlpkit/core`'s `Span`, what `@nlpkit/metrics` scores
 * @example
 * tagsToSpans(['B-PER', 'I-PER', 'O', 'B-LOC'], 'IOB2')
 * // → [{ label: 'PER', start: 0, end: 2 }, { label: 'LOC', start: 3, end: 4 }]
 */
export function tagsToSpans(tags: readonly string[], scheme: TagSchemeName, options: TagOptions = {}): Span[] {
  const [kind, bilou] = canonical(scheme, 'scheme');
  check.options(options, 'options', ['malformed']);
  const malformed = check.oneOf(options.malformed ?? 'repair', 'options.malformed', ['repair', 'drop', 'throw']);
  check.array(tags, 'tags');
  const parsed = tags.map((tag, i) => parseTag(tag, i, kind, bilou, scheme));
  const spans: Span[] = [];
  // The open entity, and whether it is well formed so far (used by 'drop').
  let open: { label: string; start: number; valid: boolean } | null = null;
  const problem = (i: number, why: string): void => {
    if (malformed === 'throw') {
      const at = i < tags.length ? `tags[${i}]` : 'tags (at the end)';
      throw new FormatError({ package: PKG, argument: at, expected: `valid ${scheme} (${why})`, found: tags[i] ?? 'the end' });
    }
  };
  const close = (end: number, valid = true): void => {
    if (open !== null && (malformed !== 'drop' || (open.valid && valid))) {
      spans.push({ label: open.label, start: open.start, end });
    }
    open = null;
  };
  const needsEnd = kind === 'IOE2' || kind === 'IOBES';
  for (let i = 0; i < parsed.length; i++) {
    const [prefix, label] = parsed[i] as [string, string];
    const continues: boolean = open !== null && (open as { label: string }).label === label;
    if (prefix === 'O') {
      if (open !== null && needsEnd) problem(i, 'the open entity was never ended');
      close(i, !needsEnd);
      continue;
    }
    if (open !== null && !continues && needsEnd) {
      problem(i, 'the open entity was never ended');
      close(i, false);
    }
    switch (kind) {
      case 'IOB1':
        if (prefix === 'I') {
          if (!continues) {
            close(i);
            open = { label, start: i, valid: true };
          }
        } else {
          // B- only separates two adjacent entities of the same label.
          const ok: boolean = continues;
          if (!ok) problem(i, `B-${label} must follow an entity of the same label`);
          close(i);
          open = { label, start: i, valid: ok };
        }
        break;
      case 'IOB2':
        if (prefix === 'B') {
          close(i);
          open = { label, start: i, valid: true };
        } else if (!continues) {
          problem(i, `I-${label} must continue a ${label} entity`);
          close(i);
          open = { label, start: i, valid: false };
        }
        break;
      case 'IOE1':
      case 'IOE2':
        if (!continues) {
          close(i);
          open = { label, start: i, valid: true };
        }
        if (prefix === 'E') {
          if (kind === 'IOE1') {
            const next = parsed[i + 1];
            const ok = next !== undefined && next[0] !== 'O' && next[1] === label;
            if (!ok) problem(i, `E-${label} must be followed by another ${label} entity`);
            if (!ok && open !== null) (open as { valid: boolean }).valid = false;
          }
          close(i + 1);
        }
        break;
      case 'IOBES':
        if (prefix === 'B' || prefix === 'S') {
          if (open !== null) {
            problem(i, 'the open entity was never ended');
            close(i, false);
          }
          open = { label, start: i, valid: true };
          if (prefix === 'S') close(i + 1);
        } else if (!continues) {
          problem(i, `${bilou && prefix === 'E' ? 'L' : prefix}-${label} must continue a ${label} entity`);
          close(i);
          open = { label, start: i, valid: false };
          if (prefix === 'E') close(i + 1);
        } else if (prefix === 'E') {
          close(i + 1);
        }
        break;
    }
  }
  if (open !== null) {
    if (needsEnd) problem(parsed.length, 'the last entity was never ended');
    close(parsed.length, !needsEnd);
  }
  return spans;
}

function parseTag(value: unknown, i: number, kind: Canonical, bilou: boolean, scheme: TagSchemeName): [string, string] {
  const tag = check.string(value, `tags[${i}]`);
  if (tag === 'O') return ['O', ''];
  const dash = tag.indexOf('-');
  let prefix = dash === 1 ? tag[0] ?? '' : '';
  const label = tag.slice(2);
  if (bilou) prefix = prefix === 'L' ? 'E' : prefix === 'U' ? 'S' : prefix === 'E' || prefix === 'S' ? '' : prefix;
  if (prefix === '' || label === '' || !PREFIXES[kind].includes(prefix)) {
    const allowed = bilou ? 'BILU' : PREFIXES[kind];
    throw new FormatError({
      package: PKG,
      argument: `tags[${i}]`,
      expected: `O or one of ${[...allowed].map((p) => `${p}-LABEL`).join(', ')} in ${scheme}`,
      found: tag,
    });
  }
  return [prefix, label];
}

/**
 * Encodes entity spans as tags of a scheme.
 *
 * @param spans non-overlapping spans within `[0, length)` (any order)
 * @param length number of tokens
 * @example
 * spansToTags([{ label: 'PER', start: 0, end: 2 }], 3, 'BILOU') // → ['B-PER', 'L-PER', 'O']
 */
export function spansToTags(spans: readonly Span[], length: number, scheme: TagSchemeName): string[] {
  const [kind, bilou] = canonical(scheme, 'scheme');
  check.integer(length, 'length', 0);
  check.array(spans, 'spans');
  spans.forEach((s, i) => {
    if (typeof s?.label !== 'string' || s.label === '' || !Number.isInteger(s.start) || !Number.isInteger(s.end)) {
      throw check.invalid(s, `spans[${i}]`, 'a { label, start, end } span with a label and integer bounds');
    }
  });
  const sorted = [...spans].sort((a, b) => a.start - b.start);
  let last = 0;
  for (const s of sorted) {
    if (s.start < last || s.end <= s.start || s.end > length) {
      throw new InvalidArgumentError({
        package: PKG,
        argument: 'spans',
        expected: `non-empty, non-overlapping spans within [0, ${length})`,
        foundText: `${s.label} [${s.start}, ${s.end})`,
      });
    }
    last = s.end;
  }
  const tags = new Array<string>(length).fill('O');
  const E = bilou ? 'L' : 'E';
  const S = bilou ? 'U' : 'S';
  sorted.forEach((s, k) => {
    const prev = sorted[k - 1];
    const next = sorted[k + 1];
    const touchesPrev = prev !== undefined && prev.end === s.start && prev.label === s.label;
    const touchesNext = next !== undefined && next.start === s.end && next.label === s.label;
    for (let i = s.start; i < s.end; i++) {
      const first = i === s.start;
      const lastToken = i === s.end - 1;
      let prefix = 'I';
      if (kind === 'IOB1') prefix = first && touchesPrev ? 'B' : 'I';
      else if (kind === 'IOB2') prefix = first ? 'B' : 'I';
      else if (kind === 'IOE1') prefix = lastToken && touchesNext ? 'E' : 'I';
      else if (kind === 'IOE2') prefix = lastToken ? 'E' : 'I';
      else prefix = first && lastToken ? S : first ? 'B' : lastToken ? E : 'I';
      tags[i] = `${prefix}-${s.label}`;
    }
  });
  return tags;
}

/**
 * Converts tags from one scheme to another through spans, e.g. IOB1 data to BILOU for training.
 * Malformed input is handled as {@link TagOptions.malformed} says.
 */
export function convertTags(tags: readonly string[], from: TagSchemeName, to: TagSchemeName, options: TagOptions = {}): string[] {
  canonical(from, 'from');
  canonical(to, 'to');
  return spansToTags(tagsToSpans(tags, from, options), tags.length, to);
}
