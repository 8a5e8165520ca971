import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Environment variables an entry point may read while it loads: Node's own conventions, which bundlers replace
 * and libraries check to pick a build. Any other read of `process.env` at import time is a side effect.
 */
export const ENV_ALLOWLIST = ['NODE_ENV', 'NODE_DEBUG'];

// Loaded with `node --import` before anything else. It wraps every function of the public fs, fs/promises, net,
// tls, http(s), http2, dgram, dns, child_process and worker_threads modules, the timers, fetch and `process.env`
// (a Proxy), and records each call made between `start()` and `stop()` whose stack holds a frame of the code under
// test. Node's module loader reads files through the same fs functions while it loads a module, so a call is kept
// or dropped by *who* made it (a frame of the package's own files), never by whether the loader is on the stack:
// every call a module makes while it first evaluates has the loader below it.
const preload = `
import fs from 'node:fs';
import net from 'node:net';
import tls from 'node:tls';
import http from 'node:http';
import https from 'node:https';
import http2 from 'node:http2';
import dgram from 'node:dgram';
import dns from 'node:dns';
import cp from 'node:child_process';
import wt from 'node:worker_threads';
import { syncBuiltinESMExports } from 'node:module';
const frames = process.env.NLPKIT_PROBE_FRAMES ?? '/node_modules/@nlpkit/';
const allowEnv = new Set(JSON.parse(process.env.NLPKIT_PROBE_ENV_ALLOW ?? '[]'));
Error.stackTraceLimit = Infinity;
const events = [];
let recording = false;
// The frame of the code under test that made the current call, if it did: walking out from the call, the first
// frame of the package — unless Node's module loader comes first (a require() it makes: loading, not its code).
const self = import.meta.url + ':';
const ours = () => {
  if (!recording) return undefined;
  const stack = new Error().stack ?? '';
  for (const line of stack.split('\\n').slice(1)) {
    if (line.includes(self)) continue;
    if (line.includes('node:internal/modules/')) return undefined;
    if (line.includes(frames)) return line.trim();
  }
  return undefined;
};
const describe = (a) => {
  if (typeof a === 'function') return 'fn';
  if (a !== null && typeof a === 'object') {
    try { return JSON.stringify(a).slice(0, 80); } catch { return 'object'; }
  }
  return String(a).slice(0, 120);
};
const wrap = (obj, label, names = Object.keys(obj)) => {
  for (const name of names) {
    const original = obj[name];
    // Classes (ReadStream, Socket, Worker...) are left whole: their constructors are reached through the
    // factory functions wrapped here, or wrapped separately below.
    if (typeof original !== 'function' || /^[A-Z]/.test(name)) continue;
    const wrapped = function (...args) {
      const frame = ours();
      if (frame !== undefined) events.push(label + '.' + name + '(' + args.slice(0, 2).filter((a) => typeof a !== 'function').map(describe).join(', ') + ') ' + frame);
      return new.target ? Reflect.construct(original, args, new.target) : original.apply(this, args);
    };
    Object.defineProperties(wrapped, Object.getOwnPropertyDescriptors(original));
    try { obj[name] = wrapped; } catch { /* read-only */ }
  }
};
wrap(fs, 'fs');
wrap(fs.promises, 'fs.promises');
wrap(net, 'net');
wrap(net.Socket.prototype, 'socket', ['connect']);
wrap(tls, 'tls');
wrap(http, 'http');
wrap(https, 'https');
wrap(http2, 'http2');
wrap(dgram, 'dgram');
wrap(dns, 'dns');
wrap(dns.promises, 'dns.promises');
wrap(cp, 'child_process');
const OriginalWorker = wt.Worker;
wt.Worker = class extends OriginalWorker {
  constructor(...args) {
    const frame = ours();
    if (frame !== undefined) events.push('worker_threads.Worker(' + describe(args[0]) + ') ' + frame);
    super(...args);
  }
};
wrap(globalThis, 'globalThis', ['setTimeout', 'setInterval', 'setImmediate', 'fetch']);
const env = process.env;
process.env = new Proxy(env, {
  get(target, key, receiver) {
    if (typeof key === 'string' && !allowEnv.has(key)) {
      const frame = ours();
      if (frame !== undefined) events.push('process.env.' + key + ' ' + frame);
    }
    return Reflect.get(target, key, receiver);
  },
  has(target, key) {
    if (typeof key === 'string' && !allowEnv.has(key)) {
      const frame = ours();
      if (frame !== undefined) events.push('process.env has ' + key + ' ' + frame);
    }
    return Reflect.has(target, key);
  },
  ownKeys(target) {
    const frame = ours();
    if (frame !== undefined) events.push('process.env (all keys) ' + frame);
    return Reflect.ownKeys(target);
  },
});
syncBuiltinESMExports();
globalThis[Symbol.for('nlpkit.importProbe')] = {
  events,
  start() { recording = true; },
  stop() { recording = false; },
};
`;

// The entry script: silences output (and records it), imports the module with the preload recording, then prints
// one JSON line and exits (a socket or timer the module opened must not keep the process alive).
const probe = `
const recorder = globalThis[Symbol.for('nlpkit.importProbe')];
const out = process.stdout.write.bind(process.stdout);
const printed = [];
process.stdout.write = (chunk) => { printed.push(String(chunk)); return true; };
process.stderr.write = (chunk) => { printed.push(String(chunk)); return true; };
for (const level of ['log', 'info', 'warn', 'error', 'debug', 'trace']) console[level] = (...a) => printed.push(a.join(' '));
let mod = {};
let failed;
recorder.start();
try {
  mod = await import(process.argv[2]);
} catch (error) {
  failed = String(error?.stack ?? error);
} finally {
  recorder.stop();
}
const events = [...new Set(recorder.events)];
out(JSON.stringify({ events, printed, exports: Object.keys(mod).length, ...(failed ? { failed } : {}) }) + '\\n', () => process.exit(0));
`;

/**
 * @typedef {object} ImportResult
 * @property {string[]} events calls made while the module loaded, by the code under test: `fs.readFileSync(...)`,
 *   `net.connect(...)`, `dns.lookup(...)`, `process.env.X`, `globalThis.setTimeout(...)`, each with the frame
 *   that made it
 * @property {string[]} printed what it wrote to stdout, stderr or the console
 * @property {number} exports how many names it exports
 * @property {string} stderr anything else the process printed
 * @property {string} [failed] the import's error, if it threw
 */

/**
 * Imports `specifier` in a fresh Node process inside `projectDir`, with a `--import` preload that records every
 * file, network, DNS, child-process, worker, timer and environment call made before the import promise settles by
 * code whose stack frame path contains `options.frames` (default `/node_modules/@nlpkit/`: the package and the
 * nlpkit packages it loads; not third-party dependencies). Reads of {@link ENV_ALLOWLIST} are allowed.
 * @param {string} projectDir a project where the package is installed
 * @param {string} specifier e.g. "@nlpkit/ngram" or "@nlpkit/ngram/node"
 * @param {{ frames?: string, envAllowlist?: readonly string[] }} [options]
 * @returns {ImportResult}
 */
export function importCleanly(projectDir, specifier, options = {}) {
  const preloadPath = join(projectDir, 'import-probe-preload.mjs');
  const script = join(projectDir, 'import-probe.mjs');
  writeFileSync(preloadPath, preload);
  writeFileSync(script, probe);
  const stdout = execFileSync(process.execPath, ['--import', preloadPath, script, specifier], {
    cwd: projectDir,
    stdio: ['ignore', 'pipe', 'pipe'],
    encoding: 'utf8',
    timeout: 60_000,
    env: {
      ...process.env,
      NLPKIT_PROBE_FRAMES: options.frames ?? '/node_modules/@nlpkit/',
      NLPKIT_PROBE_ENV_ALLOW: JSON.stringify(options.envAllowlist ?? ENV_ALLOWLIST),
    },
  });
  const lines = stdout.trim().split('\n');
  const result = JSON.parse(lines.at(-1) ?? '{}');
  return { ...result, stderr: lines.slice(0, -1).join('\n') };
}
