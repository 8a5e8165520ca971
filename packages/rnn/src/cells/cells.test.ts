import { describeBackends } from '@nlpkit/tensor/testing';
import { cellsSuite } from '../../test/suites/cells.js';

// The suite's body is shared with ../numericSuites.browser.test.ts, which runs it in Chromium (webgpu too).
describeBackends('cells', cellsSuite);
