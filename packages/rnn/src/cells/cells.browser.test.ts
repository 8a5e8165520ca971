import { describeBackends } from '@nlpkit/tensor/testing';
import { browserInit } from '../../test/browserInit.js';
import { cellsSuite } from '../../test/suites/cells.js';

// The Node suite (cells.test.ts) in headless Chromium: cpu, wasm and webgpu on SwiftShader, same tolerances.
describeBackends('cells', cellsSuite, { init: browserInit });
