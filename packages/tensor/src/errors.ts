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

/** Formats a value for an error message: short, and unambiguous about its type. */
export function describeValue(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 60 ? `${value.slice(0, 57)}...` : value);
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  if (value === null) return 'null';
  if (value === undefined) return 'undefined';
  if (Array.isArray(value)) return `an array of length ${value.length}`;
  return `a value of type ${typeof value}`;
}
