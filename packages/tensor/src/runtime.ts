/** The JavaScript runtime we are in, as far as backend selection cares. */
export type Runtime = 'node' | 'browser';

/** Detects Node.js (and Node-compatible runtimes) versus a browser or worker. */
export function detectRuntime(): Runtime {
  const proc = (globalThis as { process?: { versions?: { node?: string } } }).process;
  return typeof proc?.versions?.node === 'string' ? 'node' : 'browser';
}
