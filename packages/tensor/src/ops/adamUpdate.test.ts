import { describeBackends } from '../testing/index.js';
import { adamUpdateSuite } from '../../test/suites/adamUpdate.js';

// adamUpdate (in place on wasm where it is safe) on every backend; the suite also runs in Chromium
// (kernels/wasmPointwise.browser.test.ts).
describeBackends('adamUpdate', adamUpdateSuite);
