import { NlpkitError, type NlpkitErrorOptions } from './errors.js';

/**
 * Writing an output file failed (disk full, no permission, missing folder, aborted) — code `ERR_OUTPUT`. The
 * previous file at `path`, if any, is untouched and no temporary file is left behind. `cause` holds the system
 * error; `systemCode` its code (`ENOSPC`, `EACCES`, `ENOENT`, `ABORT_ERR`).
 */
export class OutputError extends NlpkitError {
  /** The file that was being written. */
  readonly path: string;
  /** The system error's code, when it had one. */
  readonly systemCode: string | undefined;

  constructor(options: Omit<NlpkitErrorOptions, 'argument' | 'expected'> & { readonly path: string }, code = 'ERR_OUTPUT') {
    const cause = options.cause as { code?: unknown; message?: unknown; name?: unknown } | undefined;
    const systemCode = typeof cause?.code === 'string' ? cause.code : cause?.name === 'AbortError' ? 'ABORT_ERR' : undefined;
    super(code, {
      ...options,
      message:
        options.message ??
        `could not write ${options.path}${cause?.message === undefined ? '' : `: ${String(cause.message)}`}; the previous file (if any) is unchanged`,
    });
    this.path = options.path;
    this.systemCode = systemCode;
  }
}
