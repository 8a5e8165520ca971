import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

// Runs in a child Node process: wraps the public fs, net, http(s), child_process and fetch APIs and the console,
// imports the module, then prints one JSON line with what the import did. Module loading itself goes through
// Node's internal loader, not these APIs, so only reads the package's own code makes are seen.
const probe = `
import fs from 'node:fs';
import net from 'node:net';
import http from 'node:http';
import https from 'node:https';
import cp from 'node:child_process';
import { syncBuiltinESMExports } from 'node:module';
const events = [];
const wrap = (obj, names, label) => {
  for (const name of names) {
    const original = obj[name];
    if (typeof original !== 'function') continue;
    obj[name] = function (...args) {
      // Node's own module loader reads module files through these APIs too: that is loading, not the package.
      const stack = new Error().stack ?? '';
      if (!stack.includes('node:internal/modules/')) events.push(label + '.' + name + '(' + String(args[0]).slice(0, 120) + ')');
      return original.apply(this, args);
    };
  }
};
const fsNames = ['readFileSync', 'readFile', 'openSync', 'open', 'readdirSync', 'readdir', 'statSync', 'stat',
  'existsSync', 'accessSync', 'access', 'createReadStream', 'watch', 'writeFileSync', 'writeFile', 'appendFileSync'];
wrap(fs, fsNames, 'fs');
wrap(fs.promises, ['readFile', 'open', 'readdir', 'stat', 'access', 'writeFile'], 'fs.promises');
wrap(net, ['connect', 'createConnection', 'createServer'], 'net');
wrap(net.Socket.prototype, ['connect'], 'socket');
wrap(http, ['request', 'get', 'createServer'], 'http');
wrap(https, ['request', 'get'], 'https');
wrap(cp, ['spawn', 'exec', 'execFile', 'fork', 'spawnSync', 'execSync', 'execFileSync'], 'child_process');
if (globalThis.fetch) wrap(globalThis, ['fetch'], 'globalThis');
const out = process.stdout.write.bind(process.stdout);
const printed = [];
process.stdout.write = (chunk, ...rest) => { printed.push(String(chunk)); return true; };
process.stderr.write = (chunk, ...rest) => { printed.push(String(chunk)); return true; };
for (const level of ['log', 'info', 'warn', 'error', 'debug', 'trace']) console[level] = (...a) => printed.push(a.join(' '));
syncBuiltinESMExports();
const mod = await import(process.argv[2]);
out(JSON.stringify({ events, printed, exports: Object.keys(mod).length }) + '\\n');
`;

/**
 * Imports `specifier` from Node ESM inside `projectDir` and reports what the import did.
 * @param {string} projectDir a project where the package is installed
 * @param {string} specifier e.g. "@nlpkit/ngram" or "@nlpkit/ngram/node"
 * @returns {{ events: string[], printed: string[], exports: number, stderr: string }}
 */
export function importCleanly(projectDir, specifier) {
  const script = join(projectDir, 'import-probe.mjs');
  writeFileSync(script, probe);
  const stdout = execFileSync(process.execPath, [script, specifier], {
    cwd: projectDir,
    stdio: ['ignore', 'pipe', 'pipe'],
    encoding: 'utf8',
  });
  const lines = stdout.trim().split('\n');
  const result = JSON.parse(lines.at(-1) ?? '{}');
  return { ...result, stderr: lines.slice(0, -1).join('\n') };
}
