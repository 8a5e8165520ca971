/**
 * Where the jobs of a distributed estimation meet: every worker and the submitter see the same objects under the
 * same keys (`/`-separated relative paths). An object appears whole or not at all — it is written under a
 * temporary name and then renamed (published) — so no job ever reads a half-written shard, and a retried job
 * that publishes the same key replaces the earlier object in one step.
 */
export interface SharedStorage {
  /** What the store is, for messages (`/mnt/shared/nlpkit`). */
  readonly description: string;
  /**
   * A new empty local folder for one job of run `run`, for its scratch files, where {@link SharedStorage.publish}
   * can move files from cheaply (for a shared directory: inside it, so publishing is a rename). The job removes it
   * when done; a job whose worker died leaves it behind, until {@link SharedStorage.removeScratch}.
   */
  scratch(run: string, label: string): Promise<string>;
  /** Removes every scratch folder of run `run` (when the run is over: left behind by workers that died). */
  removeScratch(run: string): Promise<void>;
  /** Publishes the local file `file` as `key` atomically (the file is moved; an existing object is replaced). */
  publish(key: string, file: string): Promise<void>;
  /** Writes `data` as `key` atomically. */
  write(key: string, data: string | Uint8Array): Promise<void>;
  /** The bytes of `key`. */
  read(key: string): Promise<Uint8Array>;
  /** A local path where `key` can be read (for a shared directory, the object itself; do not write to it). */
  localPath(key: string): Promise<string>;
  /** Whether `key` has been published. */
  exists(key: string): Promise<boolean>;
  /** Removes every object whose key starts with `prefix` followed by `/` (or is `prefix`). */
  remove(prefix: string): Promise<void>;
}
