import { describeBackends } from '../testing/index.js';
import { globalNormSuite } from '../../test/suites/globalNorm.js';

// globalNorm (one wasm kernel without a gradient tape) on every backend; the suite also runs in Chromium
// (kernels/wasmPointwise.browser.test.ts).
describeBackends('globalNorm', globalNormSuite);
