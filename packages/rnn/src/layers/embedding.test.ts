import { describeBackends } from '@nlpkit/tensor/testing';
import { embeddingSuite } from '../../test/suites/embedding.js';

// The suite's body is shared with ../numericSuites.browser.test.ts, which runs it in Chromium (webgpu too).
describeBackends('embedding', embeddingSuite);
