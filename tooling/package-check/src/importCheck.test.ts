import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importCleanly } from './import-check.js';

// Issue 13 item 10: the import check skipped every call with `node:internal/modules/` on its stack — every call a
// module makes while it first loads — so a package that read `.env`, opened a socket and looked up a name at
// import passed. These probe packages test the test.
let dir: string;
let server: Server;
let port: number;

/** Installs a one-file ESM package `@nlpkit/<name>` into the probe project. */
function probePackage(name: string, source: string): string {
  const folder = join(dir, 'node_modules', '@nlpkit', name);
  mkdirSync(folder, { recursive: true });
  writeFileSync(join(folder, 'package.json'), JSON.stringify({ name: `@nlpkit/${name}`, type: 'module', exports: './index.js' }));
  writeFileSync(join(folder, 'index.js'), source);
  return `@nlpkit/${name}`;
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'nlpkit-import-probe-'));
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'probe-project', private: true, type: 'module' }));
  writeFileSync(join(dir, '.env'), 'SECRET=1\n');
  server = createServer((socket) => socket.destroy());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as { port: number }).port;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  rmSync(dir, { recursive: true, force: true });
});

describe('the import side-effect probe (issue 13 item 10)', () => {
  it('issue 13 item 10: fails a package that reads .env, opens a socket and looks up DNS at import, listing all three', () => {
    const specifier = probePackage(
      'probe-bad',
      `import { readFileSync } from 'node:fs';
import net from 'node:net';
import dns from 'node:dns';
let secrets = '';
try { secrets = readFileSync('.env', 'utf8'); } catch {}
const socket = net.connect(${port}, '127.0.0.1');
socket.on('error', () => {});
dns.lookup('localhost', () => {});
export const loaded = secrets.length;
`,
    );
    const result = importCleanly(dir, specifier);
    expect(result.printed).toEqual([]);
    expect(result.exports).toBe(1);
    const kinds = result.events.map((e) => e.split(' ')[0] ?? '');
    expect(kinds).toEqual(expect.arrayContaining(['fs.readFileSync(.env,', 'net.connect(' + String(port) + ',', 'dns.lookup(localhost)']));
    for (const event of result.events) expect(event).toContain('/node_modules/@nlpkit/probe-bad/index.js');
  });

  it('issue 13 item 10: catches env reads beyond the allowlist, timers, child processes and async reads, through a dependency', () => {
    probePackage(
      'probe-helper',
      `import { readFile } from 'node:fs/promises';
export const readConfig = () => readFile('.env', 'utf8').catch(() => '');`,
    );
    const specifier = probePackage(
      'probe-sneaky',
      `import { execFileSync } from 'node:child_process';
import { readConfig } from '@nlpkit/probe-helper';
const mode = process.env.NODE_ENV;
const home = process.env.HOME;
setTimeout(() => {}, 1).unref();
execFileSync('true');
await readConfig();
export const value = [mode, home];
`,
    );
    const events = importCleanly(dir, specifier).events.map((e) => e.split(' ')[0] ?? '');
    expect(events).toEqual(expect.arrayContaining(['process.env.HOME', 'globalThis.setTimeout(1)', 'child_process.execFileSync(true)', 'fs.promises.readFile(.env,']));
    expect(events.filter((e) => e.includes('NODE_ENV'))).toEqual([]);
  });

  it('passes a clean package whose side effects wait until it is called', () => {
    const specifier = probePackage(
      'probe-clean',
      `import { readFileSync } from 'node:fs';
import dns from 'node:dns';
export const load = (path) => readFileSync(path, 'utf8');
export const resolve = (name, cb) => dns.lookup(name, cb);
export const env = () => process.env.HOME;
`,
    );
    expect(importCleanly(dir, specifier)).toEqual({ events: [], printed: [], exports: 3, stderr: '' });
  });
});
