import { describeBackends } from '@nlpkit/tensor/testing';
import { browserInit } from '../../test/browserInit.js';
import { torchParitySuite } from '../../test/suites/torchParity.js';

// The Node suite (torchParity.test.ts) in headless Chromium: cpu, wasm and webgpu on SwiftShader, same 1e-5.
describeBackends('PyTorch parity', torchParitySuite, { init: browserInit });
