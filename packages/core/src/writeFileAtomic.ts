import { closeSync, fsyncSync, openSync, readdirSync, renameSync, rmSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { open, readdir, rename, stat, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { isAsyncIterable } from './iterables.js';
import { OutputError } from './outputError.js';

/** What {@link writeFileAtomic} writes: bytes, text, or (async) iterables of chunks, e.g. an ARPA writer's lines. */
export type FileContent = string | Uint8Array | Iterable<string | Uint8Array> | AsyncIterable<string | Uint8Array>;

/** Options of {@link writeFileAtomic} and {@link writeFileAtomicSync}. */
export interface WriteAtomicOptions {
  /** The package reported in errors (default `'@nlpkit/core'`). */
  readonly package?: string;
  /** Cancels the write; the target stays as it was and the temporary file is removed. */
  readonly signal?: AbortSignal;
  /** File mode of a new file (default 0o666 before umask). */
  readonly mode?: number;
  /**
   * For content given in chunks: write each block while the next chunk is made (default false). One write is in
   * flight while the content is asked for the next chunk, so a producer that fills the next chunk on the calling
   * thread overlaps it with the system's copy of the block (off the calling thread), and every 16 MiB the file is
   * flushed to disk in the background (`fdatasync`), so the fsync at the end has only the rest to wait for: a
   * streamed ARPA file, where the writes and the fsync took ~10% of the time. A chunk must then stay unchanged
   * until the content is asked for the chunk after the next one (a producer that reuses a buffer every other chunk,
   * as `arpaFileBlocks` of `@nlpkit/ngram` does, qualifies; one that reuses one buffer for every chunk does not).
   */
  readonly overlap?: boolean;
  /**
   * Whether the file must survive a power loss once the call returns (default true: the file and its folder are
   * flushed to disk before and after the rename). `false` for scratch files a job removes when it ends (an
   * out-of-core estimation's runs): the write stays atomic (a reader sees the old file or the whole new one) but
   * waits for no disk; a crash loses them, and the job with them, which then starts over.
   */
  readonly durable?: boolean;
}

const TEMP_MARK = '.nlpkit-tmp';
const BUFFER_BYTES = 1 << 20;
/** With `overlap`, bytes written between two flushes to disk in the background. */
const SYNC_BYTES = 1 << 24;

/**
 * The temporary file name for `path`: in the same folder (so the final rename is atomic), hidden, and named with
 * the writing process's id so a later run can tell an orphan (its process is gone) from a write in progress.
 */
export function tempPathFor(path: string): string {
  const random = Math.floor(Math.random() * 0x100000000).toString(36);
  return join(dirname(path), `.${basename(path)}.${process.pid}.${random}${TEMP_MARK}`);
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as { code?: string }).code === 'EPERM';
  }
}

function staleTemps(path: string, names: readonly string[]): string[] {
  const prefix = `.${basename(path)}.`;
  return names
    .filter((n) => n.startsWith(prefix) && n.endsWith(TEMP_MARK))
    .filter((n) => {
      const pid = Number(n.slice(prefix.length).split('.')[0]);
      return Number.isSafeInteger(pid) && pid !== process.pid && !processAlive(pid);
    })
    .map((n) => join(dirname(path), n));
}

/**
 * Removes temporary files that an earlier, killed write of `path` left behind (their process is gone). Called by
 * every atomic write before it starts; returns the paths removed.
 */
export async function removeStaleTemps(path: string): Promise<string[]> {
  let names: string[];
  try {
    names = await readdir(dirname(path));
  } catch {
    return [];
  }
  const stale = staleTemps(path, names);
  await Promise.all(stale.map((p) => unlink(p).catch(() => undefined)));
  return stale;
}

function removeStaleTempsSync(path: string): void {
  let names: string[];
  try {
    names = readdirSync(dirname(path));
  } catch {
    return;
  }
  for (const p of staleTemps(path, names)) rmSync(p, { force: true });
}

function encode(chunk: string | Uint8Array): Uint8Array {
  return typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
}

function wrap(error: unknown, path: string, packageName: string): OutputError {
  return error instanceof OutputError ? error : new OutputError({ package: packageName, path, cause: error });
}

function syncFolder(path: string): void {
  // Makes the rename durable. Folders cannot be opened for sync on every platform; the rename is atomic anyway.
  try {
    const fd = openSync(dirname(path), 'r');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch {
    /* not supported here */
  }
}

/**
 * Writes a file so that it is either the complete new content or, after any failure — a crash, SIGKILL, a full
 * disk, an abort — the previous file, untouched: the content goes to a temporary file beside the target, is
 * flushed to disk (fsync; not with `durable: false`), then renamed over the target. The temporary file is removed
 * on every failure path, and temporaries orphaned by killed processes are removed by the next write of the same
 * target.
 *
 * Content may be an async iterable of chunks, so a large model streams to disk without being held in memory. A
 * chunk of 1 MiB or more is written before the next is asked for (with `overlap`, while the next is made), so a
 * producer may reuse its buffer after the next chunk (after the one after it, with `overlap`; the ARPA writer of
 * `@nlpkit/ngram` does, and its tests check the bytes); smaller chunks are gathered.
 * @throws OutputError (code `ERR_OUTPUT`) naming the path, with the system error as `cause`.
 */
export async function writeFileAtomic(path: string, content: FileContent, options: WriteAtomicOptions = {}): Promise<void> {
  const pkg = options.package ?? '@nlpkit/core';
  const durable = options.durable !== false;
  await removeStaleTemps(path);
  const temp = tempPathFor(path);
  let handle: Awaited<ReturnType<typeof open>> | undefined;
  // With `overlap`, the write of the last block while the next chunk is made; waited for before the next write.
  let inFlight: Promise<void> | undefined;
  // With `overlap`, the background flushes to disk (see `write`), and the bytes written since the last one.
  let syncing: Promise<void> | undefined;
  let unsynced = 0;
  try {
    options.signal?.throwIfAborted();
    handle = await open(temp, 'wx', options.mode ?? 0o666);
    const h = handle;
    // A write may take only part of a block (a nearly full disk does that without an error): loop until it is all
    // written, so the next write fails with ENOSPC instead of a short file being renamed over the good one.
    const writeAll = async (bytes: Uint8Array): Promise<void> => {
      let offset = 0;
      while (offset < bytes.length) {
        const { bytesWritten } = await h.write(bytes, offset, bytes.length - offset);
        if (bytesWritten === 0) throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
        offset += bytesWritten;
      }
      options.signal?.throwIfAborted();
    };
    let pending: Uint8Array[] = [];
    let pendingBytes = 0;
    const write = async (block: Uint8Array): Promise<void> => {
      if (inFlight !== undefined) {
        const previous = inFlight;
        inFlight = undefined;
        await previous;
      }
      if (options.overlap !== true) return writeAll(block);
      inFlight = writeAll(block);
      // Its failure is thrown where it is waited for (the next write, or the end), not as an unhandled rejection.
      inFlight.catch(() => undefined);
      // Every 16 MiB, the blocks written so far go to disk in the background, so the fsync at the end has only the
      // rest to wait for. Each flush is waited for before the final fsync, and its failure thrown there.
      unsynced += block.length;
      if (durable && unsynced >= SYNC_BYTES) {
        unsynced = 0;
        const before = syncing;
        syncing = inFlight.then(() => before).then(() => h.datasync());
        syncing.catch(() => undefined);
      }
    };
    const flush = async (): Promise<void> => {
      if (pendingBytes === 0) return;
      const block = pending.length === 1 ? pending[0]! : Buffer.concat(pending, pendingBytes);
      pending = [];
      pendingBytes = 0;
      await write(block);
    };
    const add = async (chunk: string | Uint8Array): Promise<void> => {
      const bytes = encode(chunk);
      if (bytes.length >= BUFFER_BYTES) {
        // A large chunk goes out as it is: no copy.
        await flush();
        await write(bytes);
        return;
      }
      pending.push(bytes);
      pendingBytes += bytes.length;
      if (pendingBytes >= BUFFER_BYTES) await flush();
    };
    if (typeof content === 'string' || content instanceof Uint8Array) await add(content);
    else if (isAsyncIterable(content)) for await (const chunk of content) await add(chunk);
    else for (const chunk of content) await add(chunk);
    await flush();
    if (inFlight !== undefined) await inFlight;
    if (syncing !== undefined) await syncing;
    if (durable) await h.sync();
    await h.close();
    handle = undefined;
    options.signal?.throwIfAborted();
    await rename(temp, path);
    if (durable) syncFolder(path);
  } catch (error) {
    // A write or a flush still in flight ends before the file is closed and removed.
    await inFlight?.catch(() => undefined);
    await syncing?.catch(() => undefined);
    await handle?.close().catch(() => undefined);
    await unlink(temp).catch(() => undefined);
    throw wrap(error, path, pkg);
  }
}

/** {@link writeFileAtomic} for synchronous callers: the same guarantees, with sync content only. */
export function writeFileAtomicSync(
  path: string,
  content: string | Uint8Array | Iterable<string | Uint8Array>,
  options: Omit<WriteAtomicOptions, 'signal'> = {},
): void {
  const pkg = options.package ?? '@nlpkit/core';
  const durable = options.durable !== false;
  removeStaleTempsSync(path);
  const temp = tempPathFor(path);
  let fd: number | undefined;
  try {
    fd = openSync(temp, 'wx', options.mode ?? 0o666);
    const f = fd;
    const writeAll = (bytes: Uint8Array): void => {
      let offset = 0;
      while (offset < bytes.length) {
        const written = writeSync(f, bytes, offset, bytes.length - offset);
        if (written === 0) throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
        offset += written;
      }
    };
    if (typeof content === 'string' || content instanceof Uint8Array) writeAll(encode(content));
    else {
      let pending: Uint8Array[] = [];
      let pendingBytes = 0;
      const flush = (): void => {
        if (pendingBytes === 0) return;
        writeAll(pending.length === 1 ? pending[0]! : Buffer.concat(pending, pendingBytes));
        pending = [];
        pendingBytes = 0;
      };
      for (const chunk of content) {
        const bytes = encode(chunk);
        if (bytes.length >= BUFFER_BYTES) {
          // A large chunk goes out as it is: no copy.
          flush();
          writeAll(bytes);
          continue;
        }
        pending.push(bytes);
        pendingBytes += bytes.length;
        if (pendingBytes >= BUFFER_BYTES) flush();
      }
      flush();
    }
    if (durable) fsyncSync(f);
    closeSync(f);
    fd = undefined;
    renameSync(temp, path);
    if (durable) syncFolder(path);
  } catch (error) {
    if (fd !== undefined) {
      try {
        closeSync(fd);
      } catch {
        /* already failing */
      }
    }
    try {
      unlinkSync(temp);
    } catch {
      /* never created */
    }
    throw wrap(error, path, pkg);
  }
}

/**
 * Checks, before any long work, that `path` can be written: its folder exists and is a folder, and `path` itself
 * is not a folder. Throws an {@link OutputError} (code `ERR_OUTPUT_PATH`) otherwise, so a CLI fails in
 * milliseconds instead of after training a model.
 */
export async function checkOutputPath(path: string, packageName = '@nlpkit/core'): Promise<void> {
  const fail = (message: string, cause?: unknown): never => {
    throw new OutputError({ package: packageName, path, message: `cannot write ${path}: ${message}`, cause }, 'ERR_OUTPUT_PATH');
  };
  let folder;
  try {
    folder = await stat(dirname(path));
  } catch (cause) {
    fail(`its folder ${dirname(path)} does not exist`, cause);
  }
  if (folder?.isDirectory() !== true) fail(`${dirname(path)} is not a folder`);
  try {
    if ((await stat(path)).isDirectory()) fail('it is a folder');
  } catch (cause) {
    if ((cause as { code?: string }).code !== 'ENOENT') throw cause;
  }
}

/** {@link checkOutputPath}, synchronously. */
export function checkOutputPathSync(path: string, packageName = '@nlpkit/core'): void {
  let isFolder = false;
  try {
    isFolder = statSync(dirname(path)).isDirectory();
  } catch {
    isFolder = false;
  }
  if (!isFolder) {
    throw new OutputError({ package: packageName, path, message: `cannot write ${path}: its folder ${dirname(path)} does not exist` }, 'ERR_OUTPUT_PATH');
  }
  try {
    if (statSync(path).isDirectory()) {
      throw new OutputError({ package: packageName, path, message: `cannot write ${path}: it is a folder` }, 'ERR_OUTPUT_PATH');
    }
  } catch (e) {
    if (e instanceof OutputError) throw e;
  }
}
