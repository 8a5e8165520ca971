import { EmptyInputError, InvalidNumberError, InvalidTagError, LengthMismatchError, expectArray, expectOneOf } from './errors.js';
import { createLenientChunker, lenientEntities, type LenientChunker } from './lenientEntities.js';
import { compareCodePoints, prfAverages, type PrfRow, type ZeroDivision } from './prf.js';
import { checkScheme, detectScheme, strictEntities, type Entity, type TagScheme } from './tagSchemes.js';

/** Entity matching modes: seqeval's default (lenient, conlleval-like) and strict (scheme-checked). */
export const ENTITY_MODES = ['default', 'strict'] as const;

/** `default` counts every chunk conlleval would; `strict` counts only chunks well-formed under the scheme. */
export type EntityMode = (typeof ENTITY_MODES)[number];

/** Settings for entity-level scores. */
export interface EntityF1Options {
  /** Matching mode (default `default`). */
  readonly mode?: EntityMode;
  /** Tagging scheme for strict mode; when left out it is detected from the gold tags, as seqeval does. */
  readonly scheme?: TagScheme;
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
  /** The scheme used in strict mode (given or detected); undefined in default mode. */
  readonly scheme: TagScheme | undefined;
}

/** Streaming entity scores: add sentences with `update`, read scores with `compute`. */
export interface EntityF1Metric {
  /** Adds gold and predicted tag sequences, one array of tags per sentence. */
  update(gold: readonly (readonly string[])[], pred: readonly (readonly string[])[]): EntityF1Metric;
  /** Scores over all sentences so far. Throws an EmptyInputError before the first sentence. */
  compute(): EntityF1Result;
}

function checkPair(gold: readonly (readonly string[])[], pred: readonly (readonly string[])[], offset: number): void {
  expectArray('gold', gold);
  expectArray('pred', pred);
  if (pred.length !== gold.length) throw new LengthMismatchError('pred', gold.length, pred.length, 'sentences (as many as gold)');
  gold.forEach((tags, i) => {
    const predTags = pred[i] as readonly string[];
    expectArray(`gold[${offset + i}]`, tags);
    expectArray(`pred[${offset + i}]`, predTags);
    if (predTags.length !== tags.length) {
      throw new LengthMismatchError(`pred[${offset + i}]`, tags.length, predTags.length, 'tags (as many as gold)');
    }
  });
}

/** Entity sets per type, keyed by `sentence:start:end`. */
class EntitySets {
  readonly byType = new Map<string, Set<string>>();
  add(entity: Entity, sentence: number): void {
    let set = this.byType.get(entity.type);
    if (!set) this.byType.set(entity.type, (set = new Set()));
    set.add(`${sentence}:${entity.start}:${entity.end}`);
  }
}

/** Creates a streaming entity-level metric identical to seqeval's `classification_report`. */
export function createEntityF1(options: EntityF1Options = {}): EntityF1Metric {
  const mode = expectOneOf('mode', options.mode ?? 'default', ENTITY_MODES);
  const zeroDivision = options.zeroDivision ?? 0;
  if (zeroDivision !== 0 && zeroDivision !== 1) throw new InvalidNumberError('zeroDivision', '0 or 1', zeroDivision);
  const scheme = options.scheme === undefined ? undefined : checkScheme(options.scheme);
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
    update(gold, pred) {
      checkPair(gold, pred, sentences);
      if (mode === 'strict' && scheme !== undefined) {
        // Extract every sentence before recording any, so a bad tag leaves the metric unchanged.
        const found = gold.map((tags, i) => [
          strictEntities(tags, scheme, `gold[${sentences + i}]`),
          strictEntities(pred[i] as readonly string[], scheme, `pred[${sentences + i}]`),
        ]);
        found.forEach(([g, p], i) => {
          for (const e of g as Entity[]) goldSets.add(e, sentences + i);
          for (const e of p as Entity[]) predSets.add(e, sentences + i);
        });
      } else if (mode === 'strict') {
        gold.forEach((tags, i) => kept.push([tags.slice(), (pred[i] as readonly string[]).slice()]));
      } else {
        // The lenient chunker accepts any non-empty tag; check them all before feeding the stateful chunkers.
        const check = (tags: readonly string[], argument: string): void =>
          tags.forEach((tag, j) => {
            if (typeof tag !== 'string' || tag === '') {
              throw new InvalidTagError(`${argument}[${j}]`, 'a non-empty tag string such as "B-PER" or "O"', tag);
            }
          });
        gold.forEach((tags, i) => {
          check(tags, `gold[${sentences + i}]`);
          check(pred[i] as readonly string[], `pred[${sentences + i}]`);
        });
        gold.forEach((tags, i) => {
          addLenient(goldChunker, goldSets, tags, `gold[${sentences + i}]`);
          addLenient(predChunker, predSets, pred[i] as readonly string[], `pred[${sentences + i}]`);
        });
      }
      gold.forEach((tags, i) => {
        const predTags = pred[i] as readonly string[];
        tokens += tags.length;
        tags.forEach((tag, j) => {
          if (tag === predTags[j]) correctTokens += 1;
        });
      });
      sentences += gold.length;
      return metric;
    },
    compute() {
      if (sentences === 0) throw new EmptyInputError('gold');
      let usedScheme = scheme;
      let gs = goldSets;
      let ps = predSets;
      if (mode === 'strict' && scheme === undefined) {
        usedScheme = detectScheme(kept.map(([gold]) => gold));
        gs = new EntitySets();
        ps = new EntitySets();
        kept.forEach(([gold, pred], i) => {
          for (const e of strictEntities(gold, usedScheme as TagScheme, `gold[${i}]`)) gs.add(e, i);
          for (const e of strictEntities(pred, usedScheme as TagScheme, `pred[${i}]`)) ps.add(e, i);
        });
      }
      const names = [...new Set([...gs.byType.keys(), ...ps.byType.keys()])].sort(compareCodePoints);
      const counts = names.map((name) => {
        const g = gs.byType.get(name) ?? new Set<string>();
        const p = ps.byType.get(name) ?? new Set<string>();
        let tp = 0;
        for (const key of p) if (g.has(key)) tp += 1;
        return { tp, predicted: p.size, actual: g.size };
      });
      const averages = prfAverages(counts, zeroDivision);
      const types: Record<string, PrfRow> = {};
      names.forEach((name, i) => {
        types[name] = averages.perClass[i] as PrfRow;
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

/**
 * Entity-level precision, recall and F1 identical to seqeval 1.2: `gold[i]` and `pred[i]` are the tags of
 * sentence i. In default mode the numbers are conlleval's; in strict mode only chunks that follow the scheme count.
 *
 * @example
 * entityF1([['B-PER', 'I-PER', 'O']], [['B-PER', 'I-PER', 'O']]).f1 // 1
 */
export function entityF1(
  gold: readonly (readonly string[])[],
  pred: readonly (readonly string[])[],
  options: EntityF1Options = {},
): EntityF1Result {
  return createEntityF1(options).update(gold, pred).compute();
}

/**
 * The entities of each sentence (`end` exclusive), as seqeval finds them: `get_entities` per sentence in
 * default mode, `Entities(..., scheme)` in strict mode (scheme detected from these sequences when left out).
 */
export function extractEntities(sequences: readonly (readonly string[])[], options: EntityF1Options = {}): Entity[][] {
  expectArray('sequences', sequences);
  const mode = expectOneOf('mode', options.mode ?? 'default', ENTITY_MODES);
  if (mode === 'default') return sequences.map((tags, i) => lenientEntities(tags, `sequences[${i}]`));
  const scheme = options.scheme === undefined ? detectScheme(sequences, 'sequences') : checkScheme(options.scheme);
  return sequences.map((tags, i) => strictEntities(tags, scheme, `sequences[${i}]`));
}

/** Token-level accuracy over all sentences (seqeval's `accuracy_score`). */
export function tokenAccuracy(gold: readonly (readonly string[])[], pred: readonly (readonly string[])[]): number {
  checkPair(gold, pred, 0);
  let total = 0;
  let correct = 0;
  gold.forEach((tags, i) => {
    tags.forEach((tag, j) => {
      total += 1;
      if (tag === (pred[i] as readonly string[])[j]) correct += 1;
    });
  });
  if (total === 0) throw new EmptyInputError('gold (tokens)');
  return correct / total;
}
