import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRng } from '@nlpkit/core';
import { referenceData } from '@nlpkit/vitest-config';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleChild, bundleCli } from './bundle.js';
import { runNode, sleep, start, tempBytes, tempsIn, until } from './processes.js';

// Issue 13 item 1 (and 5): SIGKILL at seeded random points of `nlpkit ngram train`, of checkpoint saves
// (`writeCheckpointFile`) and of ARPA → binary conversion (`writeBinaryModelFile`), each writing over an existing
// file. After every kill the previous file is byte-identical (for `ngram train`, a kill that lands between the rename
// and the exit leaves the complete new model instead: still never a partial file); the next successful run removes the orphaned
// temporaries of the killed ones.
const SEED = 13;
// The CLI runs `ngram train` again in a child process with huge pages (apps/cli/src/hugePages.ts), and its
// temporary files carry the child's pid; these kills are aimed at the process that writes, so it runs in place.
// (The relaunch's own SIGKILL handling — the child dies with its parent — is tested in apps/cli.)
const IN_PLACE = { NLPKIT_HUGE_PAGES: '0' };
const ptb = referenceData('ptb/ptb.train.txt', 'ptb/ptb.valid.txt');
const dir = mkdtempSync(join(tmpdir(), 'nlpkit-faults-kill-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** About 1.7 MB of PTB (its first 13,500 lines): an order-3 train takes about a second here. */
function corpusFile(): string {
  const path = join(dir, 'corpus.txt');
  if (!existsSync(path)) {
    const lines = readFileSync(ptb.path('ptb/ptb.train.txt'), 'utf8').split('\n');
    writeFileSync(path, `${lines.slice(0, 13_500).join('\n')}\n`);
  }
  return path;
}

/** SIGKILLs a started child and waits for it; fails the test if it had already finished on its own. */
async function kill(started: ReturnType<typeof start>, what: string): Promise<void> {
  started.child.kill('SIGKILL');
  const exit = await started.exited;
  expect(exit.signal, `${what}: the child finished before the kill (${exit.stderr})`).toBe('SIGKILL');
}

describe('SIGKILL during nlpkit ngram train over an existing model (issue 13 item 1)', ptb.options, () => {
  let cli: string;
  let corpus: string;
  const folder = join(dir, 'train');
  const target = join(folder, 'model.arpa');
  let previous: Buffer;

  beforeAll(async () => {
    cli = await bundleCli();
    rmSync(folder, { recursive: true, force: true });
    corpus = corpusFile();
    // The previous model: trained on other text, so the new one differs byte for byte.
    mkdirSync(folder);
    const first = await runNode([cli, 'ngram', 'train', '--order', '3', '--input', ptb.path('ptb/ptb.valid.txt'), '--arpa', target], IN_PLACE);
    expect(first.code, first.stderr).toBe(0);
    previous = readFileSync(target);
  });

  it('issue 13 item 1: after each of 10 seeded kills the target is the previous ARPA byte for byte (or the complete new one); the next run removes the orphans', async () => {
    // A full run into another folder: its duration places the timed kills, its size the mid-write ones.
    const reference = join(dir, 'reference.arpa');
    const began = performance.now();
    const full = await runNode([cli, 'ngram', 'train', '--order', '3', '--input', corpus, '--arpa', reference], IN_PLACE);
    const duration = performance.now() - began;
    expect(full.code, full.stderr).toBe(0);
    const newModel = readFileSync(reference);
    const finalBytes = newModel.length;
    let replaced = 0;
    const rng = createRng(SEED);
    const report: string[] = [];
    let midWrite = 0;
    for (let k = 0; k < 10; k++) {
      const run = start([cli, 'ngram', 'train', '--order', '3', '--input', corpus, '--arpa', target], { env: IN_PLACE });
      const t0 = performance.now();
      let point: string;
      if (k < 7) {
        // Timed: anywhere from start-up through counting and estimation to the write.
        const at = Math.round(20 + rng.next() * 0.6 * duration);
        await sleep(at);
        point = `${at} ms after start`;
      } else {
        // Mid-write: once the temporary file holds a seeded share of the model.
        const share = 0.05 + 0.9 * rng.next();
        const reached = await until(() => tempBytes(folder, run.child.pid) >= share * finalBytes, 20_000);
        expect(reached, `kill ${k}: the write never reached ${share}`).toBe(true);
        point = `${Math.round(performance.now() - t0)} ms after start, ${(share * 100).toFixed(0)}% of the model in the temporary file`;
      }
      const temp = tempBytes(folder, run.child.pid);
      await kill(run, `kill ${k}`);
      // A kill during the write leaves the killed process's temporary behind (the next write removes it).
      const orphaned = tempsIn(folder, run.child.pid).length;
      if (orphaned > 0) midWrite++;
      report.push(`kill ${k}: ${point}; ${orphaned > 0 ? `mid-write, its temporary held ${(temp / 1e6).toFixed(1)} MB` : 'before the write'}`);
      // Atomic means the target is always a complete model: the previous one, or — when the kill landed after the
      // rename but before the process exited — the complete new one. Never a mix, never a partial file.
      const now = readFileSync(target);
      const whole = now.equals(previous) ? 'previous' : now.equals(newModel) ? 'new' : 'neither';
      if (whole === 'new') {
        replaced++;
        previous = now;
      }
      report[report.length - 1] += `; target: ${whole === 'previous' ? 'unchanged' : whole === 'new' ? 'the complete new model (killed after the rename)' : 'CORRUPT'}`;
      expect(whole, `kill ${k} (${point}) left a target that is neither the previous nor the complete new model`).not.toBe('neither');
    }
    expect(replaced, 'kills that landed after the rename (the timed kills stop at 60% of a full run)').toBeLessThanOrEqual(3);
    console.log(`ngram train (full run ${Math.round(duration)} ms, model ${(finalBytes / 1e6).toFixed(1)} MB), seed ${SEED}:\n  ${report.join('\n  ')}`);
    expect(midWrite, 'kills that landed mid-write').toBeGreaterThanOrEqual(3);
    expect(tempsIn(folder).length, 'the last kill\'s orphan is there to be cleaned').toBeGreaterThan(0);
    const next = await runNode([cli, 'ngram', 'train', '--order', '3', '--input', corpus, '--arpa', target], IN_PLACE);
    expect(next.code, next.stderr).toBe(0);
    expect(tempsIn(folder)).toEqual([]);
    expect(readFileSync(target).equals(readFileSync(reference))).toBe(true);
  });
});

describe('SIGKILL during checkpoint saves and ARPA → binary conversion (issue 13 items 1, 5)', ptb.options, () => {
  let child: string;
  beforeAll(async () => {
    child = await bundleChild('saveLoop');
  });

  /** Kills `kills` save loops at seeded points after they are ready; `check` runs after each kill. */
  async function killSaves(kind: string, target: string, arg: string, kills: number, seed: number, maxDelay: number, check: () => void): Promise<{ report: string[]; midWrite: number }> {
    const rng = createRng(seed);
    const report: string[] = [];
    let midWrite = 0;
    const folder = join(target, '..');
    for (let k = 0; k < kills; k++) {
      const run = start([child, kind, target, arg]);
      expect(await until(() => run.stdout().includes('ready'), 20_000), `${kind} ${k}: never ready`).toBe(true);
      let point: string;
      if (k % 2 === 0) {
        const at = Math.round(rng.next() * maxDelay);
        await sleep(at);
        point = `${at} ms after ready`;
      } else {
        // As soon as a temporary file of this process shows up: inside a write.
        const t0 = performance.now();
        expect(await until(() => tempsIn(folder, run.child.pid).length > 0, 20_000), `${kind} ${k}: no write seen`).toBe(true);
        point = `first temporary seen ${Math.round(performance.now() - t0)} ms after ready`;
      }
      const saved = (run.stdout().match(/saved/g) ?? []).length;
      const temp = tempBytes(folder, run.child.pid);
      await kill(run, `${kind} kill ${k}`);
      const orphaned = tempsIn(folder, run.child.pid).length > 0;
      if (orphaned) midWrite++;
      report.push(`kill ${k}: ${point}, ${saved} save(s) done, ${orphaned ? `mid-write (temporary ${(temp / 1e6).toFixed(1)} MB)` : 'between writes'}`);
      check();
    }
    const next = await runNode([child, kind, target, arg, 'once']);
    expect(next.code, next.stderr).toBe(0);
    expect(tempsIn(folder)).toEqual([]);
    return { report, midWrite };
  }

  it('issue 13 item 5: writeCheckpointFile killed mid-save leaves one complete checkpoint and no temporary after the next save', async () => {
    const folder = mkdtempSync(join(dir, 'checkpoint-'));
    const target = join(folder, 'model.ckpt');
    const bytes = 16 << 20;
    const first = await runNode([child, 'checkpoint', target, String(bytes), 'once']);
    expect(first.code, first.stderr).toBe(0);
    const { report, midWrite } = await killSaves('checkpoint', target, String(bytes), 8, SEED + 1, 400, () => {
      // Every save writes bytes all equal to its number: a torn or truncated file cannot pass.
      const file = readFileSync(target);
      expect(file.length).toBe(bytes);
      expect(file.equals(Buffer.alloc(bytes, file[0]!))).toBe(true);
    });
    console.log(`writeCheckpointFile (16 MiB), seed ${SEED + 1}:\n  ${report.join('\n  ')}`);
    expect(midWrite, 'kills that landed mid-write').toBeGreaterThanOrEqual(2);
  });

  it('issue 13 item 1: writeBinaryModelFile (convert) killed mid-save leaves the previous binary model byte-identical', async () => {
    const folder = mkdtempSync(join(dir, 'binary-'));
    const arpa = join(dir, 'convert.arpa');
    // The ARPA model to convert: order 3 on 1.7 MB of PTB (an 11 MB ARPA, a binary model of a few MB).
    const cli = await bundleCli();
    const trained = await runNode([cli, 'ngram', 'train', '--order', '3', '--input', corpusFile(), '--arpa', arpa], IN_PLACE);
    expect(trained.code, trained.stderr).toBe(0);
    const target = join(folder, 'model.bin');
    const first = await runNode([child, 'binary', target, arpa, 'once']);
    expect(first.code, first.stderr).toBe(0);
    const previous = readFileSync(target);
    const { report, midWrite } = await killSaves('binary', target, arpa, 6, SEED + 2, 400, () => {
      expect(readFileSync(target).equals(previous)).toBe(true);
    });
    console.log(`writeBinaryModelFile (${(previous.length / 1e6).toFixed(1)} MB), seed ${SEED + 2}:\n  ${report.join('\n  ')}`);
    expect(midWrite, 'kills that landed mid-write').toBeGreaterThanOrEqual(1);
  });
});
