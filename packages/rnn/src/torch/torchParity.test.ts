import { describeBackends } from '@nlpkit/tensor/testing';
import { torchParitySuite } from '../../test/suites/torchParity.js';

// The suite's body is shared with ../numericSuites.browser.test.ts, which runs it in Chromium (webgpu too).
describeBackends('PyTorch parity', torchParitySuite);
