import { EmptyInputError, LengthMismatchError, parseTagScheme, type AnyIterable, type Span, type TagScheme, type TagSchemeName } from '@nlpkit/core';
import { detectScheme } from './detectScheme.js';
import { InvalidTagError, PKG, check } from './errors.js';
import { afterBatches, batchItems, forEachBatch } from './forEachBatch.js';
import { createLenientChunker, lenientEntities, type LenientChunker } from './lenientEntities.js';
import { compareCodePoints, prfAverages, type PrfRow, type ZeroDivision } from './prf.js';
import { strictEntities } from './strictEntities.js';

/** Entity matching modes: seqeval's default (lenient, conlleval-like) and strict (scheme-checked). */
export const ENTITY_MODES = ['default', 'strict'] as const;

/** `default` counts every chunk conlleval would; `strict` counts only chunks well-formed under the scheme. */
export type EntityMode = (typeof ENTITY_MODES)[number];

/** Settings for entity-level scores. */
export interface EntityF1Options {
  /** Matching mode (default `default`). */
  readonly mode?: EntityMode;
  /**
   * Tagging scheme for strict mode, by a name or alias of `@nlpkit/core` (`'IOB2'` or `'BIO'`, `'IOBES'` or
   * `'BIOES'`, ...); when left out it is detected from the gold tags, as seqeval does.
   */
  readonly scheme?: TagSchemeName;
  /** Value of precision/recall/F when a denominator is 0 (default 0, seqeval's `'warn'` without the warning). */
  readonly zeroDivision?: ZeroDivision;
}

/** Entity-level scores: micro precision/recall/F1 at the top, per-type rows and all three averages. */
export interface EntityF1Result extends PrfRow {
  /** Per entity type, keys in seqeval's (code point) order. */
  readonly types: Readonly<Record<string, PrfRow>>;
  readonly micro: PrfRow;
  readonly macro: PrfRow;
  readonly weighted: PrfRow;
  /** Token-level accuracy (seqeval's `accuracy_score`); NaN when there were no tokens. */
  readonly accuracy: number;
  readonly mode: EntityMode;
  /** The canonical scheme used in strict mode (given, possibly as an alias, or detected); undefined in default mode. */
  readonly scheme: TagScheme | undefined;
}

/** Streaming entity scores: add sentences with `update`, read scores with `compute`. */
export interface EntityF1Metric {
  /**
   * Adds gold and predicted tag sequences, one array of tags per sentence (arrays or sync iterables of them).
   * A batch that fails a check leaves the metric unchanged.
   */
  update(gold: Iterable<readonly string[]>, pred: Iterable<readonly string[]>): EntityF1Metric;
  /** Scores over all sentences so far. Throws an `EmptyInputError` before the first sentence. */
  compute(): EntityF1Result;
}

type Sentences = readonly (readonly string[])[];

function toSentences(items: unknown, argument: string): Sentences {
  return batchItems(items, argument, 'tag arrays', 'entityF1') as Sentences;
}

/** Checks that gold and predictions line up, sentence by sentence; `offset` numbers sentences in messages. */
function checkPair(gold: Sentences, pred: Sentences, offset: number): void {
  if (pred.length !== gold.length) {
    throw new LengthMismatchError({ package: PKG, argument: 'pred', expectedLength: gold.length, foundLength: pred.length, items: 'sentences (as many as gold)' });
  }
  gold.forEach((tags, i) => {
    check.array(tags, `gold[${offset + i}]`);
    const predTags = check.array(pred[i], `pred[${offset + i}]`);
    if (predTags.length !== tags.length) {
      throw new LengthMismatchError({
        package: PKG,
        argument: `pred[${offset + i}]`,
        expectedLength: tags.length,
        foundLength: predTags.length,
        items: 'tags (as many as gold)',
      });
    }
  });
}

function resolveOptions(options: EntityF1Options): { mode: EntityMode; scheme: TagScheme | undefined; zeroDivision: ZeroDivision } {
  check.options(options, 'options', ['mode', 'scheme', 'zeroDivision']);
  const mode = check.oneOf(options.mode ?? 'default', 'options.mode', ENTITY_MODES);
  const zeroDivision = options.zeroDivision ?? 0;
  if (zeroDivision !== 0 && zeroDivision !== 1) throw check.invalid(zeroDivision, 'options.zeroDivision', '0 or 1');
  const scheme = options.scheme === undefined ? undefined : parseTagScheme(options.scheme, 'options.scheme', PKG);
  return { mode, scheme, zeroDivision };
}

/** Entity sets per label, keyed by `sentence:start:end`. */
class EntitySets {
  readonly byLabel = new Map<string, Set<string>>();
  add(entity: Span, sentence: number): void {
    let set = this.byLabel.get(entity.label);
    if (!set) this.byLabel.set(entity.label, (set = new Set()));
    set.add(`${sentence}:${entity.start}:${entity.end}`);
  }
}

/** Creates a streaming entity-level metric identical to seqeval's `classification_report`. */
export function createEntityF1(options: EntityF1Options = {}): EntityF1Metric {
  const { mode, scheme, zeroDivision } = resolveOptions(options);
  const goldSets = new EntitySets();
  const predSets = new EntitySets();
  // Default mode reads the corpus as one sequence, so chunker state carries from one sentence to the next.
  const goldChunker: LenientChunker = createLenientChunker();
  const predChunker: LenientChunker = createLenientChunker();
  // Strict mode without a scheme must see all gold tags before it can detect one, so it keeps the sentences.
  const kept: [readonly string[], readonly string[]][] = [];
  let sentences = 0;
  let tokens = 0;
  let correctTokens = 0;

  const addLenient = (chunker: LenientChunker, sets: EntitySets, tags: readonly string[], argument: string): void => {
    tags.forEach((tag, i) => {
      const e = chunker.push(tag, `${argument}[${i}]`);
      if (e) sets.add(e, 0);
    });
    const e = chunker.endSentence();
    if (e) sets.add(e, 0);
  };

  const metric: EntityF1Metric = {
    update(goldInput, predInput) {
      const gold = toSentences(goldInput, 'gold');
      const pred = toSentences(predInput, 'pred');
      checkPair(gold, pred, sentences);
      if (mode === 'strict' && scheme !== undefined) {
        // Extract every sentence before recording any, so a bad tag leaves the metric unchanged.
        const found = gold.map((tags, i) => [
          strictEntities(tags, scheme, `gold[${sentences + i}]`),
          strictEntities(pred[i]!, scheme, `pred[${sentences + i}]`),
        ]);
        found.forEach(([g, p], i) => {
          for (const e of g!) goldSets.add(e, sentences + i);
          for (const e of p!) predSets.add(e, sentences + i);
        });
      } else if (mode === 'strict') {
        gold.forEach((tags, i) => kept.push([tags.slice(), pred[i]!.slice()]));
      } else {
        // The lenient chunker accepts any non-empty tag; check them all before feeding the stateful chunkers.
        const checkTags = (tags: readonly string[], argument: string): void =>
          tags.forEach((tag, j) => {
            if (typeof tag !== 'string' || tag === '') {
              throw new InvalidTagError({ argument: `${argument}[${j}]`, expected: 'a non-empty tag string such as "B-PER" or "O"', found: tag });
            }
          });
        gold.forEach((tags, i) => {
          checkTags(tags, `gold[${sentences + i}]`);
          checkTags(pred[i]!, `pred[${sentences + i}]`);
        });
        gold.forEach((tags, i) => {
          addLenient(goldChunker, goldSets, tags, `gold[${sentences + i}]`);
          addLenient(predChunker, predSets, pred[i]!, `pred[${sentences + i}]`);
        });
      }
      gold.forEach((tags, i) => {
        const predTags = pred[i]!;
        tokens += tags.length;
        tags.forEach((tag, j) => {
          if (tag === predTags[j]) correctTokens += 1;
        });
      });
      sentences += gold.length;
      return metric;
    },
    compute() {
      if (sentences === 0) throw new EmptyInputError({ package: PKG, argument: 'gold', expected: 'at least one sentence' });
      let usedScheme = scheme;
      let gs = goldSets;
      let ps = predSets;
      if (mode === 'strict' && scheme === undefined) {
        const detected = detectScheme(kept.map(([gold]) => gold));
        usedScheme = detected;
        gs = new EntitySets();
        ps = new EntitySets();
        kept.forEach(([gold, pred], i) => {
          for (const e of strictEntities(gold, detected, `gold[${i}]`)) gs.add(e, i);
          for (const e of strictEntities(pred, detected, `pred[${i}]`)) ps.add(e, i);
        });
      }
      const names = [...new Set([...gs.byLabel.keys(), ...ps.byLabel.keys()])].sort(compareCodePoints);
      const counts = names.map((name) => {
        const g = gs.byLabel.get(name) ?? new Set<string>();
        const p = ps.byLabel.get(name) ?? new Set<string>();
        let tp = 0;
        for (const key of p) if (g.has(key)) tp += 1;
        return { tp, predicted: p.size, actual: g.size };
      });
      const averages = prfAverages(counts, zeroDivision);
      const types: Record<string, PrfRow> = {};
      names.forEach((name, i) => {
        types[name] = averages.perClass[i]!;
      });
      return {
        ...averages.micro,
        types,
        micro: averages.micro,
        macro: averages.macro,
        weighted: averages.weighted,
        accuracy: tokens === 0 ? Number.NaN : correctTokens / tokens,
        mode,
        scheme: mode === 'strict' ? usedScheme : undefined,
      };
    },
  };
  return metric;
}

type TagInput = AnyIterable<readonly string[]>;

/**
 * Entity-level precision, recall and F1 identical to seqeval 1.2: `gold[i]` and `pred[i]` are the tags of
 * sentence i. In default mode the numbers are conlleval's; in strict mode only chunks that follow the scheme
 * count. Gold and predictions may be arrays, iterables or async iterables of tag arrays (a CoNLL reader); with
 * any async input the result is a promise.
 *
 * @example
 * entityF1([['B-PER', 'I-PER', 'O']], [['B-PER', 'I-PER', 'O']]).f1 // 1
 * entityF1(gold, pred, { mode: 'strict', scheme: 'BIO' }).types.PER
 */
export function entityF1(gold: Iterable<readonly string[]>, pred: Iterable<readonly string[]>, options?: EntityF1Options): EntityF1Result;
export function entityF1(gold: AsyncIterable<readonly string[]>, pred: TagInput, options?: EntityF1Options): Promise<EntityF1Result>;
export function entityF1(gold: TagInput, pred: AsyncIterable<readonly string[]>, options?: EntityF1Options): Promise<EntityF1Result>;
export function entityF1(gold: TagInput, pred: TagInput, options?: EntityF1Options): EntityF1Result | Promise<EntityF1Result>;
export function entityF1(gold: TagInput, pred: TagInput, options: EntityF1Options = {}): EntityF1Result | Promise<EntityF1Result> {
  const metric = createEntityF1(options);
  const done = forEachBatch(
    [
      { items: gold, argument: 'gold', what: 'sentences of tags' },
      { items: pred, argument: 'pred', what: 'sentences of tags (as many as gold)' },
    ],
    ([g, p]) => metric.update(g as Sentences, p as Sentences),
  );
  return afterBatches(done, () => metric.compute());
}

/**
 * The entities of each sentence as core `Span`s (`end` exclusive), as seqeval finds them: `get_entities` per
 * sentence in default mode, `Entities(..., scheme)` in strict mode (scheme detected from these sequences when
 * left out).
 */
export function extractEntities(sequences: Iterable<readonly string[]>, options: EntityF1Options = {}): Span[][] {
  const list = toSentences(sequences, 'sequences');
  const { mode, scheme } = resolveOptions(options);
  list.forEach((tags, i) => check.array(tags, `sequences[${i}]`));
  if (mode === 'default') return list.map((tags, i) => lenientEntities(tags, `sequences[${i}]`));
  const used = scheme ?? detectScheme(list, 'sequences');
  return list.map((tags, i) => strictEntities(tags, used, `sequences[${i}]`));
}

/**
 * Token-level accuracy over all sentences (seqeval's `accuracy_score`). Sync input gives a number, async input
 * a promise of it.
 */
export function tokenAccuracy(gold: Iterable<readonly string[]>, pred: Iterable<readonly string[]>): number;
export function tokenAccuracy(gold: AsyncIterable<readonly string[]>, pred: TagInput): Promise<number>;
export function tokenAccuracy(gold: TagInput, pred: AsyncIterable<readonly string[]>): Promise<number>;
export function tokenAccuracy(gold: TagInput, pred: TagInput): number | Promise<number>;
export function tokenAccuracy(gold: TagInput, pred: TagInput): number | Promise<number> {
  let sentences = 0;
  let total = 0;
  let correct = 0;
  const done = forEachBatch(
    [
      { items: gold, argument: 'gold', what: 'sentences of tags' },
      { items: pred, argument: 'pred', what: 'sentences of tags (as many as gold)' },
    ],
    ([g, p]) => {
      const goldBatch = g as Sentences;
      const predBatch = p as Sentences;
      checkPair(goldBatch, predBatch, sentences);
      goldBatch.forEach((tags, i) => {
        tags.forEach((tag, j) => {
          total += 1;
          if (tag === predBatch[i]![j]) correct += 1;
        });
      });
      sentences += goldBatch.length;
    },
  );
  return afterBatches(done, () => {
    if (total === 0) throw new EmptyInputError({ package: PKG, argument: 'gold', expected: 'at least one tag' });
    return correct / total;
  });
}
