// A worker process with test corpus processors: `node <bundle> <redis url> <storage dir> [lockDuration ms]`. Prints
// one line per job event and one per model load (`load <task> <model>`), so a test can count them.
import { readFileSync } from 'node:fs';
import type { CorpusProcessor } from '../src/corpusProcessor.js';
import { blockLines, upperLines } from './corpusTasks.js';
import { serveTestWorker } from './serveTestWorker.js';

const loading = (task: string, model: string): string => {
  process.stdout.write(`load ${task} ${model}\n`);
  return readFileSync(model, 'utf8').trim();
};
const processors: Record<string, CorpusProcessor> = {
  upper: {
    load(model, options) {
      const prefix = `${loading('upper', model)}${String(options['suffix'] ?? '')}`;
      return { process: (lines) => upperLines(prefix, lines) };
    },
  },
  // `upper`, slowly (`options.ms` per batch): a test kills a worker in the middle of a chunk.
  slow: {
    load(model, options) {
      const prefix = loading('slow', model);
      const ms = Number(options['ms'] ?? 50);
      return { process: async (lines) => new Promise<string[]>((resolve) => setTimeout(() => resolve(upperLines(prefix, lines)), ms)) };
    },
  },
  blocks: {
    async load(model) {
      const prefix = loading('blocks', model);
      return { process: async (lines) => blockLines(prefix, lines) };
    },
  },
};
await serveTestWorker(processors);
