// Rewrites the meta of any nlpkit model artifact (LM, tagger, classifier, translator) without touching its tensors, for
// the artifacts committed under models/: the recipe's data paths made relative to the repository, key=value notes
// added. Usage: node apps/cli/scripts/artifact-meta.mjs <in model.safetensors> <out> [key=value …]
import { readFile } from 'node:fs/promises';
import { writeFileAtomic } from '@nlpkit/core/node';
import { preparedMeta } from './artifactMeta.mjs';

const [source, out, ...pairs] = process.argv.slice(2);
if (source === undefined || out === undefined) {
  process.stderr.write('usage: node apps/cli/scripts/artifact-meta.mjs <in model.safetensors> <out> [key=value …]\n');
  process.exit(2);
}
const bytes = await readFile(source);
const length = Number(bytes.readBigUInt64LE(0));
const header = JSON.parse(bytes.subarray(8, 8 + length).toString('utf8'));
const metadata = header.__metadata__ ?? {};
// Tensor offsets count from the end of the header, so a header of another length leaves them right.
header.__metadata__ = { ...metadata, meta: JSON.stringify(preparedMeta(JSON.parse(metadata.meta ?? '{}'), pairs)) };
let text = JSON.stringify(header);
text += ' '.repeat((8 - ((8 + Buffer.byteLength(text)) % 8)) % 8);
const size = Buffer.alloc(8);
size.writeBigUInt64LE(BigInt(Buffer.byteLength(text)));
await writeFileAtomic(out, Buffer.concat([size, Buffer.from(text, 'utf8'), bytes.subarray(8 + length)]), { package: '@nlpkit/cli' });
process.stdout.write(`wrote ${out}\n`);
