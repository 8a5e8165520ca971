import type { Span, TagScheme } from '@nlpkit/core';
import { parseTag } from './crfConstraints.js';

/**
 * The entities of a tag sequence the scheme allows (what constrained decoding produces), as `@nlpkit/core` Spans:
 * an entity starts at `B-`/`S-` or at an `I-`/`E-` that cannot continue the open entity (another label, or none
 * open), runs while `I-`/`E-` tags of its label follow, and ends after `E-`/`S-`. To score gold data, which may
 * break its scheme, use `@nlpkit/metrics` (seqeval's rules).
 */
export function schemeSpans(tags: readonly string[], scheme: TagScheme): Span[] {
  const spans: Span[] = [];
  let open: { label: string; start: number } | null = null;
  const close = (end: number): void => {
    if (open !== null) spans.push({ label: open.label, start: open.start, end });
    open = null;
  };
  tags.forEach((tag, i) => {
    const [role, label] = parseTag(tag, scheme, `tags[${i}]`);
    const continues = open !== null && open.label === label && (role === 'I' || role === 'E');
    if (!continues) {
      close(i);
      if (role !== 'O') open = { label, start: i };
    }
    if (role === 'E' || role === 'S') close(i + 1);
  });
  close(tags.length);
  return spans;
}
