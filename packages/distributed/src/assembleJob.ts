import { open } from 'node:fs/promises';
import { join } from 'node:path';
import { ARPA_END, arpaHeader, arpaSectionHeader } from '@nlpkit/ngram/node';
import { type ModelStatistics, type RunPlan, inScratch, readRunJson, runFile } from './runPlan.js';
import type { SharedStorage } from './sharedStorage.js';

/** What {@link assembleParts} joins: a text file in sections, one per order, each the concatenation of parts. */
export interface PartsLayout {
  readonly header: string;
  /** Number of parts of each section. */
  readonly parts: number;
  /** The run file (key inside the run) of part `r` of the section of order `n`. */
  readonly partKey: (r: number, n: number) => string;
  readonly sectionHeader: (n: number) => string;
  readonly end: string;
}

/**
 * Writes `layout.header`, then order by order the section header and the parts' bytes in part order, then
 * `layout.end`, and publishes the file atomically as the run's output (`plan.output`).
 */
export async function assembleParts(
  storage: SharedStorage,
  plan: Pick<RunPlan, 'id' | 'order' | 'output'>,
  job: string,
  layout: PartsLayout,
): Promise<{ output: string; bytes: number }> {
  return inScratch(storage, plan.id, job, async (folder) => {
    const file = join(folder, 'model');
    const out = await open(file, 'w');
    let bytes = 0;
    const write = async (data: Uint8Array): Promise<void> => {
      for (let offset = 0; offset < data.length; ) offset += (await out.write(data, offset)).bytesWritten;
      bytes += data.length;
    };
    const text = (s: string): Promise<void> => write(Buffer.from(s, 'utf8'));
    try {
      await text(layout.header);
      const chunk = Buffer.alloc(1 << 20);
      for (let n = 1; n <= plan.order; n++) {
        await text(layout.sectionHeader(n));
        for (let r = 0; r < layout.parts; r++) {
          const part = await open(await runFile(storage, plan.id, layout.partKey(r, n), job), 'r');
          try {
            for (let read; (read = (await part.read(chunk, 0, chunk.length)).bytesRead) > 0; ) await write(chunk.subarray(0, read));
          } finally {
            await part.close();
          }
        }
      }
      await text(layout.end);
    } finally {
      await out.close();
    }
    await storage.publish(plan.output, file);
    return { output: plan.output, bytes };
  });
}

/**
 * Fan-in job: the ARPA file — the header (n-gram counts from `model.json`), then order by order the section
 * header and the parts' lines in range order — published atomically as the run's output.
 */
export async function assembleJob(storage: SharedStorage, plan: RunPlan): Promise<{ output: string; bytes: number }> {
  const model = await readRunJson<ModelStatistics>(storage, plan.id, 'model.json', 'assemble');
  return assembleParts(storage, plan, 'assemble', {
    header: arpaHeader(model.counts),
    parts: model.ranges.length,
    partKey: (r, n) => `arpa/part-${r}/order-${n}.txt`,
    sectionHeader: arpaSectionHeader,
    end: ARPA_END,
  });
}
