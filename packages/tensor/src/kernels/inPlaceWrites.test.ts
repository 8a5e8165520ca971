import { describeBackends } from '../testing/index.js';
import { inPlaceWritesSuite } from '../../test/suites/inPlaceWrites.js';

// Products and losses after sgdUpdate/adamUpdate (in place on wasm) read the new values, on every backend; the suite
// also runs in Chromium (kernels/wasmPointwise.browser.test.ts).
describeBackends('products after an in-place update read the new values', inPlaceWritesSuite);
