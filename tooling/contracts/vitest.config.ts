import { fileURLToPath } from 'node:url';
import { defineProject } from 'vitest/config';
import { nodeProject } from '@nlpkit/vitest-config';

const base = nodeProject('contracts', fileURLToPath(new URL('.', import.meta.url)));
export default defineProject({ ...base, test: { ...base.test, testTimeout: 300_000 } });
