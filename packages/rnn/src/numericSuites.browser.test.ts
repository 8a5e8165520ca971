import { describeBackends } from '@nlpkit/tensor/testing';
import { browserInit, useTiledMatMulOnWebgpu } from '../test/browserInit.js';
import { cellsSuite } from '../test/suites/cells.js';
import { embeddingSuite } from '../test/suites/embedding.js';
import { fusedStepsWebgpuSuite } from '../test/suites/fusedStepsWebgpu.js';
import { gradCheckSuite } from '../test/suites/gradCheck.js';
import { lmLossTorchSuite } from '../test/suites/lmLossTorch.js';
import { lmTrainingMemorySuite } from '../test/suites/lmTrainingMemory.js';
import { reverseSequencesSuite } from '../test/suites/reverseSequences.js';
import { torchParitySuite } from '../test/suites/torchParity.js';

// This package's numeric suites — the same bodies as the Node tests beside the code (torch/torchParity.test.ts,
// cells/cells.test.ts, layers/*.test.ts) — in headless Chromium on cpu, wasm and webgpu (SwiftShader adapter),
// with the same tolerances. One file on purpose: each browser test file gets a fresh WebGPU device, and
// compiling tfjs's shaders again for each would cost SwiftShader about as much as running the tests.
const init = browserInit;

describeBackends('PyTorch parity', torchParitySuite, { init });
describeBackends('cells', cellsSuite, { init });
describeBackends('embedding', embeddingSuite, { init });
describeBackends('reverseSequences', reverseSequencesSuite, { init });
describeBackends('recurrent LM evaluation loss against PyTorch', lmLossTorchSuite, { init });
// ~25 forward passes per check: tfjs's tiled matmul on webgpu (see useTiledMatMulOnWebgpu) keeps them to seconds
// on SwiftShader. The parity and cell suites above run tfjs's own choice of matmul program.
describeBackends(
  'finite-difference gradients',
  (backend) => {
    useTiledMatMulOnWebgpu(backend);
    gradCheckSuite();
  },
  { init },
);
// The fused WGSL LSTM and GRU steps against the generic path on the same backend (the parity suite above compares
// both with PyTorch).
describeBackends('fused recurrent steps (WGSL)', fusedStepsWebgpuSuite, { init, backends: ['webgpu'] });
// The GPU half of src/models/trainerMemory.test.ts (which runs on cpu in Node): no tensor leaks per step on the
// device-side code paths (no host read-backs: unstack by gather, tf.split, on-device clipping).
describeBackends(
  'numTensors flat over 1,000 training steps',
  (backend) => {
    useTiledMatMulOnWebgpu(backend);
    lmTrainingMemorySuite();
  },
  { init, backends: ['webgpu'] },
);
