import { describeBackends } from '../testing/index.js';
import { maxOverStepsSuite } from '../../test/suites/maxOverSteps.js';

// maxOverSteps (one wasm kernel without a tape) on every backend; the suite also runs in Chromium
// (kernels/wasmPointwise.browser.test.ts).
describeBackends('maxOverSteps', maxOverStepsSuite);
