import { describeBackends } from '../testing/index.js';
import { wasmPointwiseSuite } from '../../test/suites/wasmPointwise.js';

// nlpkit's WebAssembly elementwise kernels (softmax cross-entropy, column sum) through the ops that use them, on
// every backend (the same suite runs in Chromium: wasmPointwise.browser.test.ts).
describeBackends('softmax cross-entropy and column sums (wasm kernels)', wasmPointwiseSuite);
