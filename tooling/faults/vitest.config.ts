import { fileURLToPath } from 'node:url';
import { defineProject } from 'vitest/config';
import { nodeProject } from '@nlpkit/vitest-config';

// Each file spawns CPU-heavy children whose kill points are timed: run the files one after another so that two
// suites do not compete for the machine's cores.
const base = nodeProject('faults', fileURLToPath(new URL('.', import.meta.url)));
export default defineProject({ ...base, test: { ...base.test, testTimeout: 60_000, hookTimeout: 60_000, fileParallelism: false } });
