/** Raised when no requested tensor backend could be started; `tried` says why each candidate failed. */
export class BackendUnavailableError extends Error {
  override readonly name = 'BackendUnavailableError';
  constructor(
    message: string,
    readonly tried: readonly BackendAttempt[],
  ) {
    super(message);
  }
}

/** Raised for malformed or unsupported safetensors bytes, or for a state dict that cannot be written. */
export class SafetensorsError extends Error {
  override readonly name = 'SafetensorsError';
}

/** One backend candidate that `initBackend` tried, and why it was or was not taken. */
export interface BackendAttempt {
  readonly name: string;
  readonly ok: boolean;
  readonly reason: string;
}
