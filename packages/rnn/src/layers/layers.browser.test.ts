import { describeBackends } from '@nlpkit/tensor/testing';
import { browserInit } from '../../test/browserInit.js';
import { embeddingSuite } from '../../test/suites/embedding.js';
import { gradCheckSuite } from '../../test/suites/gradCheck.js';
import { reverseSequencesSuite } from '../../test/suites/reverseSequences.js';

// The layers' Node suites (embedding, reverseSequences, finite-difference gradients) in headless Chromium:
// cpu, wasm and webgpu on SwiftShader, same tolerances. One file, so the browser page and backends start once.
describeBackends('embedding', embeddingSuite, { init: browserInit });
describeBackends('reverseSequences', reverseSequencesSuite, { init: browserInit });
describeBackends('finite-difference gradients', gradCheckSuite, { init: browserInit });
