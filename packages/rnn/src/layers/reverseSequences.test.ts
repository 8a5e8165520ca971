import { describeBackends } from '@nlpkit/tensor/testing';
import { reverseSequencesSuite } from '../../test/suites/reverseSequences.js';

// The suite's body is shared with ../numericSuites.browser.test.ts, which runs it in Chromium (webgpu too).
describeBackends('reverseSequences', reverseSequencesSuite);
