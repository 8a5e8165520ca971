import { type ChildProcess, spawn } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRng, vocabularyFromTokens } from '@nlpkit/core';
import { type TestRedis, redisAvailability, startRedis } from '@nlpkit/distributed/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// The CLI bundled from its sources (as the fault suites run it), so the workers are real `nlpkit cluster worker`
// processes running today's code.
import { bundleCli } from '@nlpkit/faults-check/bundle';
import { bufferIo } from '../cliIo.js';
import { run } from '../program.js';

const dir = mkdtempSync(join(tmpdir(), 'nlpkit-corpus-cluster-'));
const shared = join(dir, 'shared');
const artifact = (name: string): string => fileURLToPath(new URL(`../../../../packages/rnn/test/fixtures/cli-artifacts/${name}`, import.meta.url));
const tinyTest = fileURLToPath(new URL('../../../../recipes/tiny/test.txt', import.meta.url));

// Models written by `nlpkit lm train` and `nlpkit tag train` (committed fixtures), and a seeded untrained translation
// model: identity of the outputs is what is tested, not their quality.
const lm = join(dir, 'lm.safetensors');
const tagger = join(dir, 'tagger.safetensors');
const translator = join(dir, 'reverse.safetensors');
const lmText = join(dir, 'lm.txt');
const conll = join(dir, 'test.conll');
const plain = join(dir, 'plain.txt');
const sources = join(dir, 'sources.txt');

const PER = [['John'], ['Mary', 'Smith'], ['Ann'], ['Bob', 'Lee'], ['Zed']];
const LOC = [['Paris'], ['New', 'York'], ['Rome'], ['Oslo'], ['Lima']];
function toyConll(n: number, seed: number): string {
  const rng = createRng(seed);
  const pick = <T>(xs: T[]): T => xs[rng.int(xs.length)] as T;
  return Array.from({ length: n }, () => [...pick(PER), ...pick([['lives', 'in'], ['went', 'to']]), ...pick(LOC), '.'].map((w) => `en:${w}\tO`).join('\n'))
    .join('\n\n')
    .concat('\n');
}

async function writeTranslator(): Promise<void> {
  const [{ initBackend }, seq2seq] = await Promise.all([import('@nlpkit/tensor'), import('@nlpkit/seq2seq')]);
  await initBackend();
  const letters = ['a', 'b', 'c', 'd', 'e', 'f'];
  const sourceVocabulary = vocabularyFromTokens(letters);
  const targetVocabulary = vocabularyFromTokens(letters);
  const config = {
    sourceVocabSize: sourceVocabulary.size, targetVocabSize: targetVocabulary.size, embeddingSize: 6, hiddenSize: 8, encoderLayers: 1, decoderLayers: 1,
    cell: 'lstm', bidirectional: true, reverseSource: false, bridge: 'dense', attention: 'general', inputFeeding: true, dropout: 0,
  } as const;
  const params = seq2seq.initSeq2seq(config, createRng(7));
  writeFileSync(translator, seq2seq.encodeSeq2seq({ config, params, sourceVocabulary, targetVocabulary }));
  for (const t of Object.values(params)) t.dispose();
}

async function nlpkit(args: string[]): Promise<{ code: number; out: string; err: string }> {
  const io = bufferIo();
  const code = await run(['node', 'nlpkit', ...args], io);
  return { code, out: io.out.join(''), err: io.err.join('') };
}

/** Starts `nlpkit cluster worker` in a child process and waits until it serves. */
async function startWorkerProcess(cli: string, url: string): Promise<{ child: ChildProcess; output: () => string }> {
  const child = spawn(process.execPath, [cli, 'cluster', 'worker', '--redis', url, '--storage', shared], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const ready = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`worker not ready:\n${output}`)), 20_000);
    const onData = (d: Buffer): void => {
      output += d.toString();
      if (/serving queue/.test(output)) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', () => reject(new Error(`worker exited:\n${output}`)));
  });
  await ready;
  return { child, output: () => output };
}

describe('corpus jobs on a cluster: lm score, tag predict, translate with --cluster (2 worker processes)', redisAvailability().options, () => {
  let redis: TestRedis;
  const workers: { child: ChildProcess; output: () => string }[] = [];
  beforeAll(async () => {
    copyFileSync(artifact('lm.safetensors'), lm);
    copyFileSync(artifact('tagger.safetensors'), tagger);
    // Sentences the model knows, a blank line (no sentence), out-of-vocabulary words.
    writeFileSync(lmText, `${readFileSync(tinyTest, 'utf8')}\nthe zebra sees a quagga\n${readFileSync(tinyTest, 'utf8')}`);
    writeFileSync(conll, toyConll(60, 3));
    writeFileSync(plain, `Ann lives in Rome .\n\nZed went to New York .\n${'Bob Lee lives in Oslo .\n'.repeat(20)}`);
    const rng = createRng(5);
    writeFileSync(sources, `${Array.from({ length: 50 }, () => Array.from({ length: 1 + rng.int(5) }, () => 'abcdef'[rng.int(6)]).join(' ')).join('\n')}\n`);
    const [started, cli] = await Promise.all([startRedis(), bundleCli(), writeTranslator()]);
    redis = started;
    for (let i = 0; i < 2; i++) workers.push(await startWorkerProcess(cli, redis.url));
  }, 60_000);
  afterAll(async () => {
    for (const w of workers) w.child.kill('SIGKILL');
    await redis?.stop();
    rmSync(dir, { recursive: true, force: true });
  });
  const cluster = (chunks: number): string[] => ['--cluster', redis.url, '--storage', shared, '--chunks', String(chunks), '--quiet'];

  it('lm score: the report of lm eval --sentences, per-line scores in input order, the same in process and on the cluster', async () => {
    const evalSentences = await nlpkit(['lm', 'eval', '--model', lm, '--input', lmText, '--sentences', '--json']);
    const single = await nlpkit(['lm', 'score', '--model', lm, '--input', lmText, '--json', '--output', join(dir, 'single.tsv')]);
    const distributed = await nlpkit(['lm', 'score', '--model', lm, '--input', lmText, '--json', '--output', join(dir, 'cluster.tsv'), ...cluster(3)]);
    expect(single).toMatchObject({ code: 0, err: '' });
    expect(distributed.code).toBe(0);
    expect(single.out).toBe(evalSentences.out);
    expect(distributed.out).toBe(single.out);
    expect(JSON.parse(single.out)).toMatchObject({ oov: 2 });
    expect(distributed.err).toMatch(/^run \S+: 3 chunks \(3 run now\); output in the shared storage at .*shared\/runs\/\S+\/output\.txt\n$/);
    const lines = readFileSync(join(dir, 'single.tsv'), 'utf8').split('\n');
    expect(readFileSync(join(dir, 'cluster.tsv'), 'utf8')).toBe(lines.join('\n'));
    expect(lines).toHaveLength(82 + 1);
    expect(lines[40]).toBe(''); // the blank line
    expect(lines[41]).toMatch(/^-[\d.]+\t6\t2$/);
    // The text report too.
    const text = await nlpkit(['lm', 'score', '--model', lm, '--input', lmText, ...cluster(2)]);
    expect(text.out).toBe((await nlpkit(['lm', 'eval', '--model', lm, '--input', lmText, '--sentences'])).out);
  }, 30_000);

  it('lm score --run: the same run again runs no chunk and prints the same report', async () => {
    const first = await nlpkit(['lm', 'score', '--model', lm, '--input', lmText, '--json', ...cluster(4), '--run', 'lm-resume']);
    const again = await nlpkit(['lm', 'score', '--model', lm, '--input', lmText, '--json', ...cluster(4), '--run', 'lm-resume']);
    expect(first.err).toMatch(/^run lm-resume: 4 chunks \(4 run now\)/);
    expect(again.err).toMatch(/^run lm-resume: 4 chunks \(0 run now\)/);
    expect(again.out).toBe(first.out);
    const other = await nlpkit(['lm', 'score', '--model', lm, '--input', lmText, ...cluster(3), '--run', 'lm-resume']);
    expect(other.code).toBe(2);
    expect(other.err).toMatch(/options\.run must be the id of a run with the same/);
  }, 30_000);

  it('tag predict: CoNLL in (chunks cut between sentences) and plain text in, the same CoNLL out as in process', async () => {
    for (const extra of [['--input', conll], ['--input', plain, '--text']]) {
      const single = await nlpkit(['tag', 'predict', '--model', tagger, ...extra, '--batch-size', '7']);
      const distributed = await nlpkit(['tag', 'predict', '--model', tagger, ...extra, '--batch-size', '7', ...cluster(5)]);
      expect(single).toMatchObject({ code: 0, err: '' });
      expect(distributed.code).toBe(0);
      expect(distributed.out).toBe(single.out);
      expect(single.out).toMatch(/^en:\S+\t[A-Z-]+\n|^Ann\t/);
    }
    expect((await nlpkit(['tag', 'predict', '--model', tagger, '--input', conll])).out.split('\n\n')).toHaveLength(60);
  }, 30_000);

  it('translate: one line out per line in, as text and as JSON, the same as in process', async () => {
    for (const extra of [['--beam', '3'], ['--beam', '2', '--n-best', '2', '--json']]) {
      const single = await nlpkit(['translate', '--model', translator, '--input', sources, '--tokenized', ...extra]);
      const distributed = await nlpkit(['translate', '--model', translator, '--input', sources, '--tokenized', ...extra, ...cluster(3)]);
      expect(single).toMatchObject({ code: 0, err: '' });
      expect(distributed.code).toBe(0);
      expect(distributed.out).toBe(single.out);
      expect(single.out.split('\n')).toHaveLength(51);
    }
  }, 30_000);

  it('a task no worker has a processor for fails at once, naming the task and the processors the worker has', async () => {
    const { mapCorpusDistributed } = await import('@nlpkit/distributed/node');
    const started = Date.now();
    await expect(mapCorpusDistributed({ redis: redis.url, storage: shared, input: lmText, model: lm, task: 'summarize', chunks: 2 })).rejects.toThrow(
      /job corpus-chunk [12] of 2 failed: @nlpkit\/distributed: this worker has no processor for task "summarize" \(it has "lm-score", "tag", "translate"\)/,
    );
    expect(Date.now() - started).toBeLessThan(5000); // not retried
  });
});

describe('--cluster option combinations refused (exit 2)', () => {
  const cases: [string, string[]][] = [
    ['lm score --chunks without --cluster', ['lm', 'score', '--model', lm, '--input', lmText, '--chunks', '2']],
    ['lm score --cluster without --storage', ['lm', 'score', '--model', lm, '--input', lmText, '--cluster', 'redis://h:1']],
    ['lm score --cluster with standard input', ['lm', 'score', '--model', lm, '--input', '-', '--cluster', 'redis://h:1', '--storage', dir]],
    ['tag predict --run without --cluster', ['tag', 'predict', '--model', tagger, '--input', conll, '--run', 'r']],
    ['translate --cluster with standard input', ['translate', '--model', translator, '--cluster', 'redis://h:1', '--storage', dir]],
    ['translate --cluster --n-best without --json', ['translate', '--model', translator, '--input', sources, '--beam', '2', '--n-best', '2', '--cluster', 'redis://h:1', '--storage', dir]],
  ];
  for (const [name, args] of cases) {
    it(name, async () => {
      const r = await nlpkit(args);
      expect(r.code).toBe(2);
      expect(r.err).toMatch(/--cluster|--storage|--n-best/);
    });
  }
});
