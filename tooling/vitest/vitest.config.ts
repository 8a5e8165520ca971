import { fileURLToPath } from 'node:url';
import { defineProject } from 'vitest/config';
import { nodeProject } from './index.js';

const base = nodeProject('vitest-config', fileURLToPath(new URL('.', import.meta.url)));
export default defineProject({ ...base, test: { ...base.test, include: ['test/*.test.js'] } });
