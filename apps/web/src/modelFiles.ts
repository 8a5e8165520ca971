import type { BackoffLanguageModel } from '@nlpkit/ngram';
import { loadBinaryModel, readArpa } from '@nlpkit/ngram';

/** First bytes of `@nlpkit/ngram`'s binary model format ("NNGM"). */
const BINARY_MAGIC = [0x4e, 0x4e, 0x47, 0x4d];

/**
 * An n-gram model from file bytes: `@nlpkit/ngram`'s binary format (`nlpkit ngram build-binary`) or ARPA text
 * (`nlpkit ngram train`, KenLM's `lmplz`). Other inputs (gzip, KenLM binaries) get readArpa's error, which names
 * the format it found.
 */
export function ngramModelFromBytes(bytes: Uint8Array): BackoffLanguageModel {
  if (BINARY_MAGIC.every((b, i) => bytes[i] === b)) return loadBinaryModel(bytes);
  return readArpa(new TextDecoder().decode(bytes));
}

/** The bytes at `url`, or undefined when the server has no such file (the demo models were not built). */
export async function fetchBytes(url: string): Promise<Uint8Array | undefined> {
  const response = await fetch(url);
  if (!response.ok) return undefined;
  const type = response.headers.get('content-type') ?? '';
  // Vite's dev server answers a missing file with index.html.
  if (type.includes('text/html')) return undefined;
  return new Uint8Array(await response.arrayBuffer());
}

/** Where the demo models built by `scripts/build-demo-models.mjs` are served. */
export const MODELS_URL = 'models/';
