import { fileURLToPath } from 'node:url';
import { defineProject } from 'vitest/config';
import { complexityProject } from '../vitest/index.js';

export default defineProject(complexityProject(fileURLToPath(new URL('../../packages', import.meta.url))));
