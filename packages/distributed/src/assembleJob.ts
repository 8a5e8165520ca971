import { open } from 'node:fs/promises';
import { join } from 'node:path';
import { ARPA_END, arpaHeader, arpaSectionHeader } from '@nlpkit/ngram/node';
import { type ModelStatistics, type RunPlan, inScratch, readRunJson, runFile } from './runPlan.js';
import type { SharedStorage } from './sharedStorage.js';

/**
 * Fan-in job: the ARPA file — the header (n-gram counts from `model.json`), then order by order the section
 * header and the parts' lines in range order — published atomically as the run's output.
 */
export async function assembleJob(storage: SharedStorage, plan: RunPlan): Promise<{ output: string; bytes: number }> {
  const model = await readRunJson<ModelStatistics>(storage, plan.id, 'model.json', 'assemble');
  const R = model.ranges.length;
  return inScratch(storage, plan.id, 'assemble', async (folder) => {
    const file = join(folder, 'model.arpa');
    const out = await open(file, 'w');
    let bytes = 0;
    const write = async (data: Uint8Array): Promise<void> => {
      for (let offset = 0; offset < data.length; ) offset += (await out.write(data, offset)).bytesWritten;
      bytes += data.length;
    };
    const text = (s: string): Promise<void> => write(Buffer.from(s, 'utf8'));
    try {
      await text(arpaHeader(model.counts));
      const chunk = Buffer.alloc(1 << 20);
      for (let n = 1; n <= plan.order; n++) {
        await text(arpaSectionHeader(n));
        for (let r = 0; r < R; r++) {
          const part = await open(await runFile(storage, plan.id, `arpa/part-${r}/order-${n}.txt`, 'assemble'), 'r');
          try {
            for (let read; (read = (await part.read(chunk, 0, chunk.length)).bytesRead) > 0; ) await write(chunk.subarray(0, read));
          } finally {
            await part.close();
          }
        }
      }
      await text(ARPA_END);
    } finally {
      await out.close();
    }
    await storage.publish(plan.output, file);
    return { output: plan.output, bytes };
  });
}
