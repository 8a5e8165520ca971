import { randomBytes } from 'node:crypto';
import { copyFile, mkdir, mkdtemp, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, join, resolve, sep } from 'node:path';
import { OutputError } from '@nlpkit/core';
import { PKG, check } from './errors.js';
import type { SharedStorage } from './sharedStorage.js';

/** A run id or label as one safe folder name. */
const safe = (name: string): string => name.replace(/[^\w.-]/g, '_').replace(/^\.+/, '_');

/** The folder inside a shared directory that holds jobs' scratch folders (never a key). */
const SCRATCH = '.scratch';

/**
 * A {@link SharedStorage} on a directory every worker mounts at the same path (NFS, a cluster file system, or one
 * machine's disk). Objects are files under `root`; publishing writes to a temporary name in the object's folder
 * and renames it, which is atomic on one file system. Scratch folders live in `root/.scratch/<run>`, on the same file
 * system, so publishing a job's file is a rename too.
 */
export function directoryStorage(root: string): SharedStorage {
  const base = resolve(check.string(root, 'root'));
  const pathOf = (key: string): string => {
    if (typeof key !== 'string' || key === '' || key.startsWith('/') || key.split('/').some((part) => part === '' || part === '.' || part === '..' || part === SCRATCH)) {
      throw check.invalid(key, 'key', 'a relative key of non-empty parts ("counts/shard-0/order-2.bin")');
    }
    return join(base, ...key.split('/'));
  };
  const temporary = (path: string): string => join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  const failed = (path: string, cause: unknown): OutputError => new OutputError({ package: PKG, path, cause });
  return {
    description: base,
    async scratch(run, label) {
      const folder = join(base, SCRATCH, safe(run));
      try {
        await mkdir(folder, { recursive: true });
        return await mkdtemp(join(folder, `${safe(label)}-`));
      } catch (cause) {
        throw failed(folder, cause);
      }
    },
    async removeScratch(run) {
      await rm(join(base, SCRATCH, safe(run)), { recursive: true, force: true });
    },
    async publish(key, file) {
      const path = pathOf(key);
      const temp = temporary(path);
      try {
        await mkdir(dirname(path), { recursive: true });
        try {
          await rename(file, temp);
        } catch (error) {
          // Another file system (a scratch folder elsewhere): copy next to the target first.
          if ((error as { code?: unknown }).code !== 'EXDEV') throw error;
          await copyFile(file, temp);
          await rm(file, { force: true });
        }
        await rename(temp, path);
      } catch (cause) {
        await rm(temp, { force: true }).catch(() => {});
        throw failed(path, cause);
      }
    },
    async write(key, data) {
      const path = pathOf(key);
      const temp = temporary(path);
      try {
        await mkdir(dirname(path), { recursive: true });
        await writeFile(temp, data);
        await rename(temp, path);
      } catch (cause) {
        await rm(temp, { force: true }).catch(() => {});
        throw failed(path, cause);
      }
    },
    async read(key) {
      return new Uint8Array(await readFile(pathOf(key)));
    },
    async localPath(key) {
      return pathOf(key);
    },
    async exists(key) {
      try {
        return (await stat(pathOf(key))).isFile();
      } catch {
        return false;
      }
    },
    async remove(prefix) {
      const path = pathOf(prefix);
      if (!path.startsWith(base + sep)) throw check.invalid(prefix, 'prefix', 'a key prefix inside the storage');
      await rm(path, { recursive: true, force: true });
    },
  };
}
