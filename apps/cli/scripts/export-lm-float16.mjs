// Writes a recurrent LM artifact as float16 (half the size; weights rounded to nearest, loaded back as float32), for
// the compact artifacts committed under models/. Usage (after `pnpm build`):
//   node apps/cli/scripts/export-lm-float16.mjs <run folder or model.safetensors> <out model.safetensors> [key=value …]
// Each key=value is added to the artifact's meta (for example `source=runs/ptb-small epoch=7`). The recipe's data
// paths, absolute on the training machine, are written relative to the repository (test-data/…, ../shared/data/…).
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { readRecurrentLmFile, writeRecurrentLmFile } from '@nlpkit/rnn/node';
import { initBackend } from '@nlpkit/tensor';
import { preparedMeta } from './artifactMeta.mjs';

const [source, out, ...pairs] = process.argv.slice(2);
if (source === undefined || out === undefined) {
  process.stderr.write('usage: node apps/cli/scripts/export-lm-float16.mjs <run folder or model.safetensors> <out> [key=value …]\n');
  process.exit(2);
}
await initBackend({ only: ['cpu'] });
const path = (await stat(source)).isDirectory() ? join(source, 'model.safetensors') : source;
const artifact = await readRecurrentLmFile(path);
const meta = preparedMeta(artifact.meta, pairs);
await writeRecurrentLmFile(out, { config: artifact.config, params: artifact.params, vocabulary: artifact.vocabulary }, { dtype: 'float16', meta });
artifact.dispose();
process.stdout.write(`wrote ${out} (float16, ${(await stat(out)).size} bytes)\n`);
