import { InvalidArgumentError } from './errors.js';

/**
 * The typed error for an input file that cannot be read, from the system error `cause` (which it keeps): code
 * `ERR_FILE_NOT_FOUND` for a missing file (`ENOENT`), `ERR_FILE_UNREADABLE` for anything else (a folder, no
 * permission). Both are `InvalidArgumentError`s naming `argument` and the path. The read-side counterpart of
 * `OutputError`, shared by every reader of files (text's `readLines`, ngram's `readArpaFile`, train's
 * `readCheckpointFile`).
 */
export function inputFileError(path: string, cause: unknown, options: { readonly package: string; readonly argument: string }): InvalidArgumentError {
  const code = (cause as { code?: unknown } | null)?.code;
  const where = { package: options.package, argument: options.argument, cause };
  if (code === 'ENOENT') {
    return new InvalidArgumentError({ ...where, expected: 'an existing file', foundText: `${JSON.stringify(path)}, which does not exist` }, 'ERR_FILE_NOT_FOUND');
  }
  return new InvalidArgumentError(
    { ...where, expected: 'a readable file', foundText: `${JSON.stringify(path)} (${String(code ?? cause)})` },
    'ERR_FILE_UNREADABLE',
  );
}

/** Whether `error` is a system error of a file operation (it has a string `code` such as `ENOENT` or `EISDIR`). */
export function isSystemError(error: unknown): boolean {
  const code = error instanceof Error ? (error as { code?: unknown }).code : undefined;
  return typeof code === 'string' && /^E[A-Z]+$/.test(code);
}
