import type { Span } from '@nlpkit/core';
import { InvalidTagError } from './errors.js';

/**
 * seqeval's default (conlleval-compatible) chunking, which never rejects a tag: an `I-` with no `B-` starts an
 * entity, and a change of type ends one. It reads one tag at a time and keeps its state between calls, because
 * seqeval scores a corpus as one long sequence with an `O` between sentences; a chunker fed sentence by sentence
 * (with {@link LenientChunker.endSentence}) therefore gives exactly seqeval's entities, also for streaming input.
 */
export interface LenientChunker {
  /** Reads the next tag; returns the entity that ended just before it, if any (offsets count all tags fed). */
  push(tag: string, argument?: string): Span | undefined;
  /** Feeds the `O` that seqeval puts after every sentence; returns an entity that ended there, if any. */
  endSentence(): Span | undefined;
  /** How many tags (including sentence separators) were fed. */
  readonly position: number;
}

/** Splits a tag as seqeval's `get_entities` does: first character, then the part after the first '-'. */
function splitTag(tag: string): [string, string] {
  const first = String.fromCodePoint(tag.codePointAt(0) as number);
  const rest = tag.slice(first.length);
  const dash = rest.indexOf('-');
  const type = dash === -1 ? rest : rest.slice(dash + 1);
  return [first, type === '' ? '_' : type];
}

function endOfChunk(prevTag: string, tag: string, prevType: string, type: string): boolean {
  if (prevTag === 'E' || prevTag === 'S') return true;
  if ((prevTag === 'B' || prevTag === 'I') && (tag === 'B' || tag === 'S' || tag === 'O')) return true;
  return prevTag !== 'O' && prevTag !== '.' && prevType !== type;
}

function startOfChunk(prevTag: string, tag: string, prevType: string, type: string): boolean {
  if (tag === 'B' || tag === 'S') return true;
  if ((prevTag === 'E' || prevTag === 'S' || prevTag === 'O') && (tag === 'E' || tag === 'I')) return true;
  return tag !== 'O' && tag !== '.' && prevType !== type;
}

/**
 * Creates a chunker. Before the first tag the previous type is `''`, as in seqeval; after a sentence separator
 * it is the `'_'` that an `O` leaves behind (the two differ only for untyped tags with unknown prefixes).
 */
export function createLenientChunker(): LenientChunker {
  let prevTag = 'O';
  let prevType = '';
  let begin = 0;
  let position = 0;
  const step = (tag: string, type: string): Span | undefined => {
    let ended: Span | undefined;
    if (endOfChunk(prevTag, tag, prevType, type)) ended = { label: prevType, start: begin, end: position };
    if (startOfChunk(prevTag, tag, prevType, type)) begin = position;
    prevTag = tag;
    prevType = type;
    position += 1;
    return ended;
  };
  return {
    push(tag, argument = 'tag') {
      if (typeof tag !== 'string' || tag === '') {
        throw new InvalidTagError({ argument, expected: 'a non-empty tag string such as "B-PER" or "O"', found: tag });
      }
      const [prefix, type] = splitTag(tag);
      return step(prefix, type);
    },
    endSentence() {
      return step('O', '_');
    },
    get position() {
      return position;
    },
  };
}

/**
 * Entities of a single tag sequence in seqeval's default (lenient) mode, as core `Span`s (`end` exclusive).
 *
 * @example
 * lenientEntities(['I-PER', 'I-PER', 'O', 'B-LOC']) // [{ label: 'PER', start: 0, end: 2 }, { label: 'LOC', start: 3, end: 4 }]
 */
export function lenientEntities(tags: Iterable<string>, argument = 'tags'): Span[] {
  const chunker = createLenientChunker();
  const entities: Span[] = [];
  let i = 0;
  for (const tag of tags) {
    const entity = chunker.push(tag, `${argument}[${i++}]`);
    if (entity) entities.push(entity);
  }
  const last = chunker.endSentence();
  if (last) entities.push(last);
  return entities;
}
