// Writes a recurrent LM artifact as float16 (half the size; weights rounded to nearest, loaded back as float32), for
// the compact artifacts committed under models/. Usage (after `pnpm build`):
//   node apps/cli/scripts/export-lm-float16.mjs <run folder or model.safetensors> <out model.safetensors> [key=value …]
// Each key=value is added to the artifact's meta (for example `source=runs/ptb-small epoch=7`). The recipe's data
// paths, absolute on the training machine, are written relative to the repository (test-data/…, ../shared/data/…).
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { readRecurrentLmFile, writeRecurrentLmFile } from '@nlpkit/rnn/node';
import { initBackend } from '@nlpkit/tensor';

const [source, out, ...pairs] = process.argv.slice(2);
if (source === undefined || out === undefined) {
  process.stderr.write('usage: node apps/cli/scripts/export-lm-float16.mjs <run folder or model.safetensors> <out> [key=value …]\n');
  process.exit(2);
}
await initBackend({ only: ['cpu'] });
const path = (await stat(source)).isDirectory() ? join(source, 'model.safetensors') : source;
const artifact = await readRecurrentLmFile(path);
const meta = { ...artifact.meta };
if (meta.recipe !== undefined) {
  const recipe = JSON.parse(meta.recipe);
  const portable = (path) => path.replace(/^.*\/(test-data\/)/, '$1').replace(/^.*\/(shared\/data\/)/, '../$1');
  for (const [key, path] of Object.entries(recipe.data ?? {})) if (typeof path === 'string') recipe.data[key] = portable(path);
  meta.recipe = JSON.stringify(recipe);
}
for (const pair of pairs) {
  const at = pair.indexOf('=');
  if (at <= 0) throw new Error(`expected key=value, got ${JSON.stringify(pair)}`);
  meta[pair.slice(0, at)] = pair.slice(at + 1);
}
await writeRecurrentLmFile(out, { config: artifact.config, params: artifact.params, vocabulary: artifact.vocabulary }, { dtype: 'float16', meta });
artifact.dispose();
process.stdout.write(`wrote ${out} (float16, ${(await stat(out)).size} bytes)\n`);
