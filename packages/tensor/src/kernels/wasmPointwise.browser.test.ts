import simd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import threaded from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';
import plain from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import { describeBackends } from '../testing/index.js';
import { wasmPointwiseSuite } from '../../test/suites/wasmPointwise.js';
import { affineCrossEntropySuite } from '../../test/suites/affineCrossEntropy.js';
import { decoderOpsSuite } from '../../test/suites/decoderOps.js';
import { adamStepSuite } from '../../test/suites/adamStep.js';
import { globalNormSuite } from '../../test/suites/globalNorm.js';
import { scatterRowsSuite } from '../../test/suites/scatterRows.js';
import { adamUpdateSuite } from '../../test/suites/adamUpdate.js';
import { maxOverStepsSuite } from '../../test/suites/maxOverSteps.js';
import { sgdUpdateSuite } from '../../test/suites/sgdUpdate.js';
import { inPlaceWritesSuite } from '../../test/suites/inPlaceWrites.js';

// The suite of wasmPointwise.test.ts in headless Chromium, on cpu and on tfjs-backend-wasm (nlpkit's WebAssembly
// kernels in place on tfjs's heap), same tolerances as in Node.
// affineCrossEntropy (the output layer and loss as one wasm kernel) and a decoder step's additiveAttention and
// logSoftmax likewise, adamStep, adamUpdate, sgdUpdate, globalNorm, scatterRows and maxOverSteps, and products after
// an in-place update.
const options = {
  backends: ['cpu', 'wasm'],
  init: {
    modules: {
      '@tensorflow/tfjs-backend-cpu': () => import('@tensorflow/tfjs-backend-cpu'),
      '@tensorflow/tfjs-backend-wasm': () => import('@tensorflow/tfjs-backend-wasm'),
    },
    wasmPaths: { 'tfjs-backend-wasm.wasm': plain, 'tfjs-backend-wasm-simd.wasm': simd, 'tfjs-backend-wasm-threaded-simd.wasm': threaded },
  },
} as const;
describeBackends('softmax cross-entropy and column sums (wasm kernels)', wasmPointwiseSuite, options);
describeBackends('affineCrossEntropy', affineCrossEntropySuite, options);
describeBackends('decoder step ops', decoderOpsSuite, options);
describeBackends('adamStep', adamStepSuite, options);
describeBackends('globalNorm', globalNormSuite, options);
describeBackends('scatterRows', scatterRowsSuite, options);
describeBackends('adamUpdate', adamUpdateSuite, options);
describeBackends('maxOverSteps', maxOverStepsSuite, options);
describeBackends('sgdUpdate', sgdUpdateSuite, options);
describeBackends('products after an in-place update read the new values', inPlaceWritesSuite, options);
