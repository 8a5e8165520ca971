import { describeBackends } from '@nlpkit/tensor/testing';
import { gradCheckSuite } from '../../test/suites/gradCheck.js';

// The suite's body is shared with ../numericSuites.browser.test.ts, which runs it in Chromium (webgpu too).
describeBackends('finite-difference gradients', gradCheckSuite);
