import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The shared benchmark data folder (`../shared/data` from the repository root). */
export const sharedData = fileURLToPath(new URL('../../../../shared/data/', import.meta.url));
/** Whether the PTB files are there. */
export const hasPtb = existsSync(`${sharedData}ptb/ptb.train.txt`);
/** CI sets this so that missing data fails instead of skipping. */
export const requireSharedData = process.env.NLPKIT_REQUIRE_SHARED_DATA === '1';

/** Fails loudly when CI requires the shared data and it is absent (call at the top of a test file). */
export function assertSharedData(): void {
  if (requireSharedData && !hasPtb) {
    throw new Error(`NLPKIT_REQUIRE_SHARED_DATA=1 but the PTB files are missing under ${sharedData}ptb/`);
  }
}

/**
 * PTB split as sentences, with `<unk>` renamed to `UNK` as the issue prescribes (KenLM refuses a literal `<unk>`
 * in training text, so that is how the reference numbers were made).
 */
export function loadPtb(split: 'train' | 'valid' | 'test'): string[][] {
  const text = readFileSync(`${sharedData}ptb/ptb.${split}.txt`, 'utf8');
  const sentences: string[][] = [];
  for (const line of text.split('\n')) {
    const words = line.split(' ').filter((w) => w !== '');
    if (words.length === 0 && line.trim() === '') continue;
    sentences.push(words.map((w) => (w === '<unk>' ? 'UNK' : w)));
  }
  return sentences;
}
