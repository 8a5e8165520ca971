// Saves one file over and over through a library's atomic writer until killed, printing `ready` before the first
// save and `saved <n>` after each. argv: kind (checkpoint | binary), target path, then per kind:
//   checkpoint <bytes>: version n is `bytes` bytes, every byte equal to n mod 251 (a torn file shows at once)
//   binary <arpa>: converts the ARPA model to the binary format (readArpaFile → writeBinaryModelFile), every save
//   the same bytes. With `once`, saves one time and exits.
import { readArpaFile, writeBinaryModelFile } from '@nlpkit/ngram/node';
import { writeCheckpointFile } from '@nlpkit/train/node';

const [kind, target, arg, once] = process.argv.slice(2) as [string, string, string, string | undefined];
let save: (n: number) => Promise<void>;
if (kind === 'checkpoint') {
  const bytes = Number(arg);
  save = (n) => writeCheckpointFile(target, new Uint8Array(bytes).fill(n % 251));
} else {
  const model = readArpaFile(arg);
  save = () => writeBinaryModelFile(model, target);
}
process.stdout.write('ready\n');
for (let n = 1; ; n++) {
  await save(n);
  process.stdout.write(`saved ${n}\n`);
  if (once === 'once') break;
}
