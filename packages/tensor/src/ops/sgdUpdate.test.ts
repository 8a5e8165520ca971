import { describeBackends } from '../testing/index.js';
import { sgdUpdateSuite } from '../../test/suites/sgdUpdate.js';

// sgdUpdate (in place on wasm where it is safe) on every backend; the suite also runs in Chromium
// (kernels/wasmPointwise.browser.test.ts).
describeBackends('sgdUpdate', sgdUpdateSuite);
