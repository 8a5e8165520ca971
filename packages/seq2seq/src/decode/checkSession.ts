import type { DecoderSession } from './decoderSession.js';
import { check } from '../errors.js';

/** Throws an InvalidArgumentError naming `session` unless it looks like a {@link DecoderSession}. */
export function checkSession(session: unknown): asserts session is DecoderSession<unknown> {
  const s = session as Partial<DecoderSession<unknown>> | null;
  if (
    s === null ||
    typeof s !== 'object' ||
    typeof s.start !== 'function' ||
    typeof s.step !== 'function' ||
    typeof s.select !== 'function' ||
    typeof s.disposeState !== 'function' ||
    !Array.isArray(s.sourceLengths)
  ) {
    throw check.invalid(session, 'session', 'a DecoderSession (start, step, select, disposeState, sourceLengths)');
  }
}
