import { describeBackends } from '../testing/index.js';
import { scatterRowsSuite } from '../../test/suites/scatterRows.js';

// scatterRows (one wasm kernel) on every backend; the suite also runs in Chromium (kernels/wasmPointwise.browser.test.ts).
describeBackends('scatterRows', scatterRowsSuite);
