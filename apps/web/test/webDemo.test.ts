import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { estimateKneserNey, writeArpa } from '@nlpkit/ngram';
import { CHROMIUM_ARGS, chromiumPath } from '@nlpkit/vitest-config';
import { chromium, type Browser, type Page } from 'playwright';
import { build } from 'vite';
import { afterAll, beforeAll, describe, expect, it, type TestContext } from 'vitest';

// End to end: builds the demo models (the script) and the app (Vite's JS API), serves the build on 127.0.0.1 and
// drives every panel in headless Chromium on WebGPU (SwiftShader's software adapter on machines without a GPU).
// Screenshots of every panel go to test-results/ (gitignored) for a person to look at.

const root = fileURLToPath(new URL('..', import.meta.url));
const dist = join(root, 'test-results', 'dist');
const shots = join(root, 'test-results');
const executablePath = chromiumPath();
type Panel = 'backend' | 'predict' | 'train' | 'gradients' | 'ner' | 'translate';


const TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.json': 'application/json',
  '.wasm': 'application/wasm',
  '.txt': 'text/plain; charset=utf-8',
};

/** A static file server for the built app (what any static host does). */
function serve(folder: string): Promise<{ server: Server; url: string }> {
  const server = createServer((request, response) => {
    const path = normalize(decodeURIComponent(new URL(request.url ?? '/', 'http://x').pathname)).replace(/^(\.\.[/\\])+/, '');
    const file = join(folder, path.endsWith('/') ? `${path}index.html` : path);
    readFile(file).then(
      (bytes) => {
        response.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' });
        response.end(bytes);
      },
      () => {
        response.writeHead(404);
        response.end();
      },
    );
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => {
    const address = server.address();
    resolve({ server, url: `http://127.0.0.1:${typeof address === 'object' && address !== null ? address.port : 0}/` });
  }));
}

/** Screenshot of one panel as it stands, for a person to look at (test-results/panel-<name>.png). */
async function shot(panel: Panel): Promise<void> {
  await page.locator(`#panel-${panel}`).screenshot({ path: join(shots, `panel-${panel}.png`) });
}

let skipReason: string | undefined;

/** Skips the test, with the reason, when there is no browser to drive; in CI (`CI` set) fails it instead. */
function needBrowser(ctx: TestContext): void {
  if (skipReason === undefined) return;
  if (process.env['CI']) throw new Error(`${skipReason}: CI must run the browser demo test`);
  ctx.skip(skipReason);
}
let browser: Browser | undefined;
let server: Server | undefined;
let page: Page;
const pageErrors: string[] = [];

beforeAll(async () => {
  if (!existsSync(executablePath)) {
    skipReason = `Chromium not found at ${executablePath} (set CHROMIUM_PATH)`;
    return;
  }
  await rm(dist, { recursive: true, force: true });
  await mkdir(dist, { recursive: true });
  await mkdir(shots, { recursive: true });
  // The demo models, on shorter budgets than the script's defaults: the test checks that each model works, not how
  // well (the script trains the tagger and the translation model for at least 150 and 100 steps whatever the budget).
  const started = performance.now();
  const since = (): string => `${((performance.now() - started) / 1000).toFixed(1)} s`;
  // Both at once (each keeps about one core busy); the models go into public/models/, which the running page
  // fetches from the server below, so the app build does not wait for them.
  await Promise.all([
    promisify(execFile)(process.execPath, [join(root, 'scripts', 'build-demo-models.mjs'), '--lstm-seconds', '6', '--ner-seconds', '12', '--seq2seq-seconds', '8', '--out', join(dist, 'models')], { cwd: root }).then(() =>
      console.log(`web e2e: demo models built at ${since()}`),
    ),
    build({ configFile: join(root, 'vite.config.ts'), logLevel: 'warn', publicDir: false, build: { outDir: dist, emptyOutDir: false } }).then(() =>
      console.log(`web e2e: app built at ${since()}`),
    ),
  ]);
  const served = await serve(dist);
  server = served.server;
  browser = await chromium.launch({ executablePath, headless: true, args: [...CHROMIUM_ARGS] });
  page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
  page.on('pageerror', (error) => pageErrors.push(error.message));
  await page.goto(`${served.url}?backend=webgpu`);
  await page.waitForSelector('body[data-ready="true"]', { timeout: 90_000 });
  console.log(`web e2e: page ready at ${since()}`);
}, 240_000);

afterAll(async () => {
  if (browser !== undefined) {
    await page.screenshot({ path: join(shots, 'page.png'), fullPage: true }).catch(() => undefined);
    await browser.close();
  }
  server?.close();
});

describe('the web demo in headless Chromium', () => {
  it('runs on WebGPU and shows what was tried', async (ctx) => {
    needBrowser(ctx);
    expect(await page.getByTestId('backend-name').textContent()).toBe('webgpu');
    expect(await page.locator('[data-testid="backend-tried"] tbody tr').count()).toBeGreaterThanOrEqual(1);
    await shot('backend');
  });

  it('predicts next words with the Kneser-Ney model and the LSTM', async (ctx) => {
    needBrowser(ctx);
    await page.getByTestId('predict-input').fill('he said that');
    for (const id of ['predict-ngram', 'predict-lstm']) {
      await expect.poll(() => page.locator(`[data-testid="${id}"] li .word`).count(), { timeout: 20_000 }).toBeGreaterThan(0);
    }
    const ngramTop = await page.locator('[data-testid="predict-ngram"] li .word').first().textContent();
    expect(ngramTop?.length).toBeGreaterThan(0);
    await shot('predict');
  });

  it('charts hidden-state gradient norms of a tanh RNN and an LSTM', async (ctx) => {
    needBrowser(ctx);
    await expect.poll(() => page.getByTestId('gradients-status').textContent(), { timeout: 60_000 }).toMatch(/shrinks/);
    const points = await page.locator('#panel-gradients .chart').evaluate((node) => Number((node as HTMLElement).dataset['points']));
    expect(points).toBe(50);
    await shot('gradients');
  });

  it('trains the LSTM live, charts the loss, stops, and predicts with it', async (ctx) => {
    needBrowser(ctx);
    await page.getByTestId('train-start').click();
    const points = (): Promise<number> => page.locator('#panel-train .chart').evaluate((node) => Number((node as HTMLElement).dataset['points']));
    await expect.poll(points, { timeout: 60_000, interval: 500 }).toBeGreaterThanOrEqual(2);
    console.log(`web e2e: ${await page.getByTestId('train-status').textContent()}`);
    await page.getByTestId('train-stop').click();
    await expect.poll(() => page.getByTestId('train-status').textContent(), { timeout: 30_000 }).toMatch(/^aborted after \d+ steps/);
    // The model trained here replaces the LSTM of the next-word panel.
    await page.getByTestId('train-use').click();
    await expect.poll(() => page.locator('#panel-predict').textContent(), { timeout: 20_000 }).toMatch(/trained here/);
    expect(await page.locator('[data-testid="predict-lstm"] li .word').count()).toBeGreaterThan(0);
    await shot('train');
  });

  it('highlights named entities in typed text', async (ctx) => {
    needBrowser(ctx);
    await expect.poll(() => page.locator('[data-testid="ner-output"] mark').count(), { timeout: 20_000 }).toBeGreaterThan(0);
    const label = await page.locator('[data-testid="ner-output"] mark').first().getAttribute('data-label');
    expect(['PER', 'LOC', 'ORG']).toContain(label);
    await shot('ner');
  });

  it('translates raw German with the committed Multi30k model and shows its attention as a heatmap', async (ctx) => {
    needBrowser(ctx);
    const picker = page.getByTestId('translate-model');
    expect(await picker.locator('option').allTextContents()).toEqual(['German → English (Multi30k)', 'number-word reversal (tiny, trained here)']);
    await page.getByTestId('translate-input').fill('Zwei Hunde spielen im Schnee.');
    await page.getByTestId('translate-run').click();
    const heatmap = page.getByTestId('attention-heatmap');
    // The model's own words: lowercased, Moses-tokenized German in; detokenized English out.
    await expect.poll(() => page.getByTestId('translate-tokens').textContent(), { timeout: 30_000 }).toMatch(/^tokens: zwei hunde spielen im schnee \. → /);
    const output = (await page.getByTestId('translate-output').textContent()) ?? '';
    expect(output).toMatch(/\bdogs\b/);
    expect(output).toMatch(/\bsnow\b/);
    const rows = await heatmap.locator('tbody tr').evaluateAll((trs) => trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => Number(td.getAttribute('data-weight')))));
    expect(rows.length).toBeGreaterThan(3);
    for (const row of rows) {
      expect(row).toHaveLength(7); // six source tokens and </s>
      expect(row.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 1);
    }
    console.log(`web e2e: "Zwei Hunde spielen im Schnee." -> "${output}"`);
    await shot('translate');
  });

  it('translates with the tiny number-word model once it is picked', async (ctx) => {
    needBrowser(ctx);
    await page.getByTestId('translate-model').selectOption({ label: 'number-word reversal (tiny, trained here)' });
    await expect.poll(() => page.getByTestId('translate-input').inputValue()).toBe('one five three nine');
    await page.getByTestId('translate-run').click();
    const heatmap = page.getByTestId('attention-heatmap');
    await expect.poll(() => heatmap.locator('tbody tr').count(), { timeout: 30_000 }).toBeGreaterThan(0);
    const rows = await heatmap.locator('tbody tr').evaluateAll((trs) => trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => Number(td.getAttribute('data-weight')))));
    for (const row of rows) {
      expect(row).toHaveLength(5);
      expect(row.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 1);
    }
  });

  it('loads model files the CLI writes through each panel\'s file input', async (ctx) => {
    needBrowser(ctx);
    const { model } = estimateKneserNey([['a', 'b', 'c'], ['a', 'b', 'd'], ['b', 'a']], { order: 2 });
    await page.getByTestId('predict-ngram-file').setInputFiles({ name: 'tiny.arpa', mimeType: 'text/plain', buffer: Buffer.from(writeArpa(model)) });
    await page.getByTestId('predict-input').fill('a');
    await expect.poll(() => page.locator('[data-testid="predict-ngram"] li .word').first().textContent(), { timeout: 10_000 }).toBe('b');
    expect(await page.locator('#panel-predict').textContent()).toContain('tiny.arpa');
    const upload = async (testId: string, file: string, where: string): Promise<void> => {
      await page.getByTestId(testId).setInputFiles(join(dist, 'models', file));
      await expect.poll(() => page.locator(where).textContent(), { timeout: 10_000 }).toContain(file);
    };
    await upload('predict-lstm-file', 'lstm.safetensors', '#panel-predict');
    await upload('ner-file', 'ner.safetensors', '#panel-ner');
    await upload('gradients-file', 'lstm.safetensors', '#panel-gradients');
    await expect.poll(() => page.getByTestId('gradients-trained-status').textContent(), { timeout: 30_000 }).toMatch(/times the one at ".+", the word before it/);
    await shot('gradients');
    await upload('translate-file', 'reverse.safetensors', '#panel-translate');
  });

  it('raised no uncaught error in the page', (ctx) => {
    needBrowser(ctx);
    expect(pageErrors).toEqual([]);
  });
});
