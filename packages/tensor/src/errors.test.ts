import { FormatError, NlpkitError, UnsupportedError } from '@nlpkit/core';
import { describe, expect, it } from 'vitest';
import { BackendUnavailableError, SafetensorsError } from './errors.js';
import * as api from './index.js';

describe('@nlpkit/tensor errors', () => {
  it('every exported error class is an NlpkitError with a stable code', () => {
    const classes = Object.entries(api).filter(([name, v]) => typeof v === 'function' && name.endsWith('Error'));
    expect(classes.map(([name]) => name).sort()).toEqual(['BackendUnavailableError', 'SafetensorsError']);
    const backend = new BackendUnavailableError('could not start cpu', [{ name: 'cpu', ok: false, reason: 'not installed' }]);
    expect(backend).toBeInstanceOf(UnsupportedError);
    expect(backend).toBeInstanceOf(NlpkitError);
    expect(backend.code).toBe('ERR_BACKEND_UNAVAILABLE');
    expect(backend.message).toBe('@nlpkit/tensor: could not start cpu');
    expect(backend.tried).toHaveLength(1);
    const format = new SafetensorsError('invalid safetensors: truncated');
    expect(format).toBeInstanceOf(FormatError);
    expect(format.code).toBe('ERR_SAFETENSORS');
    expect(format.package).toBe('@nlpkit/tensor');
    expect(format.name).toBe('SafetensorsError');
  });
});
