import { describeBackends } from '../testing/index.js';
import { decoderOpsSuite } from '../../test/suites/decoderOps.js';

// additiveAttention, gruGates and logSoftmax (one wasm kernel each without a gradient tape) on every backend; the suite also
// runs in Chromium (kernels/wasmPointwise.browser.test.ts).
describeBackends('decoder step ops', decoderOpsSuite);
