import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OutputError } from '@nlpkit/core';
import { PKG } from './errors.js';

/** Where an on-disk counter writes: its result folder, the runs folder inside it, and whether it made the former. */
export interface CountFolders {
  readonly directory: string;
  readonly runsDirectory: string;
  /** True when `directory` is a fresh temporary folder of the counter's own (removed again on failure). */
  readonly ownDirectory: boolean;
}

/**
 * Makes the folders of an on-disk count: `given` (created if missing) or a fresh folder under the OS temp dir, and
 * a fresh `.runs-` folder inside it.
 * @throws OutputError naming the folder that could not be made (a temporary one made here is removed again).
 */
export function makeCountFolders(given: string | undefined): CountFolders {
  const ownDirectory = given === undefined;
  const prefix = join(tmpdir(), 'nlpkit-ngram-');
  let directory = given ?? prefix;
  try {
    if (ownDirectory) directory = mkdtempSync(prefix);
    else mkdirSync(directory, { recursive: true });
    return { directory, runsDirectory: mkdtempSync(join(directory, '.runs-')), ownDirectory };
  } catch (cause) {
    if (ownDirectory && directory !== prefix) rmSync(directory, { recursive: true, force: true });
    throw new OutputError({ package: PKG, path: directory, message: `cannot create a folder for the counts in ${directory}: ${(cause as Error).message}`, cause });
  }
}
