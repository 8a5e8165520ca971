import { fileURLToPath } from 'node:url';
import { defineProject } from 'vitest/config';
import { nodeProject } from '@nlpkit/vitest-config';

export default defineProject(nodeProject('distributed', fileURLToPath(new URL('.', import.meta.url))));
