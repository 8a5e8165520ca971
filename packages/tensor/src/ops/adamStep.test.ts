import { describeBackends } from '../testing/index.js';
import { adamStepSuite } from '../../test/suites/adamStep.js';

// adamStep (one wasm kernel without a gradient tape) on every backend; the suite also runs in Chromium
// (kernels/wasmPointwise.browser.test.ts).
describeBackends('adamStep', adamStepSuite);
