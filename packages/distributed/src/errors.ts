import { NlpkitError, type NlpkitErrorOptions, validators } from '@nlpkit/core';

/** The package name every error of `@nlpkit/distributed` starts with. */
export const PKG = '@nlpkit/distributed';
/** Argument checks reporting as `@nlpkit/distributed`. */
export const check = validators(PKG);

/**
 * Redis cannot be used: the password (or user) was refused (code `ERR_REDIS_AUTH`), or the server cannot be
 * reached or answered wrongly (code `ERR_REDIS_CONNECTION`). `address` is where it was tried (never the password).
 */
export class RedisConnectionError extends NlpkitError {
  /** `host:port` (or the socket path) tried. */
  readonly address: string;

  constructor(options: NlpkitErrorOptions & { readonly address: string; readonly auth: boolean }) {
    super(options.auth ? 'ERR_REDIS_AUTH' : 'ERR_REDIS_CONNECTION', options);
    this.address = options.address;
  }
}

/**
 * A distributed job failed for good — after its retries — or a job's inputs are missing from the shared storage
 * (code `ERR_DISTRIBUTED_JOB`). `job` names the failed job (`count 3 of 8`, `adjust 1 of 4`, ...).
 */
export class DistributedJobError extends NlpkitError {
  /** The job that failed. */
  readonly job: string;

  constructor(options: NlpkitErrorOptions & { readonly job: string }) {
    super('ERR_DISTRIBUTED_JOB', options);
    this.job = options.job;
  }
}
