import { fileURLToPath } from 'node:url';
import { browserProject } from '@nlpkit/vitest-config';
import { playwright } from '@vitest/browser-playwright';
import { defineProject } from 'vitest/config';

// Real-browser suite: Debian's Chromium, headless, WebGPU on its software (SwiftShader) adapter.
export default defineProject(browserProject('tensor-browser', fileURLToPath(new URL('.', import.meta.url)), playwright));
