import { statSync } from 'node:fs';
import type { BackoffLanguageModel } from '@nlpkit/ngram';
import { readModelFile } from '@nlpkit/ngram/node';

const MAX_MODELS = 2;
const models = new Map<string, { stamp: string; model: BackoffLanguageModel }>();

/**
 * The n-gram model in file `path` (ARPA, gzipped ARPA or nlpkit binary), read once per worker process and kept
 * (at most two models; a file changed since — other size or time — is read again).
 */
export function cachedModel(path: string): BackoffLanguageModel {
  let stamp = '';
  try {
    const s = statSync(path);
    stamp = `${s.size}:${s.mtimeMs}`;
  } catch {
    // readModelFile reports the missing file.
  }
  const hit = models.get(path);
  if (hit !== undefined && hit.stamp === stamp) {
    models.delete(path);
    models.set(path, hit);
    return hit.model;
  }
  const model = readModelFile(path);
  models.delete(path);
  models.set(path, { stamp, model });
  while (models.size > MAX_MODELS) models.delete(models.keys().next().value!);
  return model;
}
