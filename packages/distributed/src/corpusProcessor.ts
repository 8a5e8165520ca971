import { statSync } from 'node:fs';

/**
 * What a worker does with the chunks of one corpus task (`startWorker`'s `processors`, by task name): `load`
 * reads the model once per worker process (and task options), and the loaded model turns lines into output lines.
 * This package knows no model: the CLI registers processors for recurrent language models, taggers and translation
 * models, importing their (tensor) packages only inside `load`.
 */
export interface CorpusProcessor {
  /** Reads the model at `model` (a path every worker sees) for the task options `options` (the submitter's, as JSON). */
  load(model: string, options: Readonly<Record<string, unknown>>): CorpusTaskModel | Promise<CorpusTaskModel>;
}

/** A model loaded by a {@link CorpusProcessor}. */
export interface CorpusTaskModel {
  /**
   * The output lines for a batch of input lines, in order: consecutive lines of one chunk (a batch of a `blocks`
   * split ends just after a blank line). A worker running several jobs at once (`concurrency`) may call it again
   * before an earlier call has finished: keep no state between calls.
   */
  process(lines: readonly string[], signal?: AbortSignal): readonly string[] | Promise<readonly string[]>;
  /** Frees the model (tensors) when the worker drops it. */
  dispose?(): void | Promise<void>;
}

/** A model lent by a {@link CorpusModelCache}: give it back with `release` when the chunk is done. */
export interface CorpusModelLease {
  readonly model: CorpusTaskModel;
  release(): void;
}

/** The models of one worker, loaded once per task, model, options and model file version. */
export interface CorpusModelCache {
  acquire(task: string, processor: CorpusProcessor, model: string, options: Readonly<Record<string, unknown>>): Promise<CorpusModelLease>;
  /** Disposes every model (when the worker closes). */
  clear(): Promise<void>;
}

interface Entry {
  readonly loaded: Promise<CorpusTaskModel>;
  users: number;
  evicted: boolean;
}

/** `size:mtime` of the model path, so a model rewritten since is loaded again ('' when missing: `load` reports it). */
function stampOf(path: string): string {
  try {
    const s = statSync(path);
    return `${s.size}:${s.mtimeMs}`;
  } catch {
    return '';
  }
}

/**
 * A worker's cache of loaded corpus models (at most `max`, least recently used dropped first; a dropped model in
 * use by a running chunk is disposed when that chunk gives it back). One per worker, not per module: no state
 * outlives the worker.
 */
export function corpusModelCache(max = 2): CorpusModelCache {
  const entries = new Map<string, Entry>();
  const dispose = async (entry: Entry): Promise<void> => {
    const model = await entry.loaded.catch(() => undefined);
    await model?.dispose?.();
  };
  return {
    async acquire(task, processor, model, options) {
      const key = JSON.stringify([task, model, options, stampOf(model)]);
      let entry = entries.get(key);
      if (entry === undefined) {
        entry = { loaded: Promise.resolve().then(() => processor.load(model, options)), users: 0, evicted: false };
        const loading = entry;
        loading.loaded.catch(() => {
          // A failed load is not kept: the retried job loads again.
          if (entries.get(key) === loading) entries.delete(key);
        });
      }
      entries.delete(key);
      entries.set(key, entry);
      while (entries.size > max) {
        const [oldKey, old] = entries.entries().next().value!;
        entries.delete(oldKey);
        old.evicted = true;
        if (old.users === 0) void dispose(old);
      }
      entry.users++;
      const held = entry;
      let loaded: CorpusTaskModel;
      try {
        loaded = await held.loaded;
      } catch (error) {
        held.users--;
        throw error;
      }
      let released = false;
      return {
        model: loaded,
        release() {
          if (released) return;
          released = true;
          if (--held.users === 0 && held.evicted) void dispose(held);
        },
      };
    },
    async clear() {
      const all = [...entries.values()];
      entries.clear();
      for (const entry of all) entry.evicted = true;
      await Promise.all(all.filter((e) => e.users === 0).map(dispose));
    },
  };
}
