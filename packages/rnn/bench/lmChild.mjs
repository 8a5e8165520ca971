// One fresh process of the LSTM-LM bench (started by bench/lm.mjs, once per implementation per round): times LM
// training (fwd + bwd + clip + SGD) and inference (forward + loss, state carried) of @nlpkit/rnn or tf.layers.lstm
// on one tfjs backend, for each BPTT length, and prints one JSON line. Not meant to be run by hand (see lm.mjs).
// Usage: node bench/lmChild.mjs '<json job>'   job: { runner, backend, init, idsPath, config, batch, bptts, steps, countKernels? }
import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { createRng } from '@nlpkit/core';
import { initBackend } from '@nlpkit/tensor';
import { flattenParams, sgd, trainStep, unflattenParams } from '@nlpkit/train';
import { initRecurrentLm, recurrentLmForward, recurrentLmForwardLoss, recurrentLmLoss } from '../dist/index.js';

const job = JSON.parse(process.argv[2]);
const { config: CFG, batch: BATCH } = job;
const ids = Int32Array.from(readFileSync(job.idsPath, 'utf8').trim().split(/\s+/), Number);
const cols = Math.floor(ids.length / BATCH);
let column = 0;

/**
 * The next BPTT segment of Zaremba's batch-major layout (row b is the b-th contiguous slice of the stream),
 * inputs and next-token targets, consumed in order as training reads it; wraps at the end of the id file.
 */
function nextSegment(bptt) {
  if (column + bptt + 1 > cols) column = 0;
  const x = new Int32Array(BATCH * bptt);
  const y = new Int32Array(BATCH * bptt);
  for (let b = 0; b < BATCH; b++) {
    for (let t = 0; t < bptt; t++) {
      x[b * bptt + t] = ids[b * cols + column + t];
      y[b * bptt + t] = ids[b * cols + column + t + 1];
    }
  }
  column += bptt;
  return { x, y };
}

/** @nlpkit/rnn: the same calls `trainRecurrentLm` makes per step, and `evaluateRecurrentLmStream`'s forward + loss for inference. */
function nlpkitModel() {
  const p0 = initRecurrentLm(CFG, createRng(1), 0.1);
  const vars = Object.fromEntries(Object.entries(flattenParams(p0)).map(([k, t]) => [k, tf.variable(t)]));
  tf.dispose(Object.values(flattenParams(p0)));
  const params = unflattenParams(p0, vars);
  const opt = sgd();
  let state;
  const carry = (next) => {
    // Truncated BPTT: the final state goes into the next segment as a constant.
    if (state !== undefined) tf.dispose(state.flatMap((s) => [s.h, s.c]));
    state = next;
  };
  return {
    reset() {
      carry(undefined);
    },
    async train(bptt) {
      const seg = nextSegment(bptt);
      const x = tf.tensor2d(seg.x, [BATCH, bptt], 'int32');
      const y = tf.tensor2d(seg.y, [BATCH, bptt], 'int32');
      let next;
      const r = trainStep(vars, () => {
        const out = recurrentLmForward(CFG, params, x, state === undefined ? {} : { state });
        next = out.state.map((s) => ({ h: tf.keep(s.h), c: tf.keep(s.c) }));
        return recurrentLmLoss(out.logits, y);
      }, opt, 1, { maxNorm: 5 });
      carry(next);
      tf.dispose([x, y]);
      // Reading the loss every step waits for the step to finish, as PyTorch's float(loss) and tf.layers' trainOnBatch.
      return (await r.read()).loss;
    },
    async infer(bptt) {
      const seg = nextSegment(bptt);
      const out = tf.tidy(() => {
        const x = tf.tensor2d(seg.x, [BATCH, bptt], 'int32');
        const y = tf.tensor2d(seg.y, [BATCH, bptt], 'int32');
        // The evaluation call: forward and loss in one (on wasm the output layer and loss are one kernel).
        return recurrentLmForwardLoss(CFG, params, x, y, state === undefined ? {} : { state });
      });
      carry(out.state);
      const loss = (await out.loss.data())[0];
      out.loss.dispose();
      return loss;
    },
    dispose() {
      carry(undefined);
      tf.dispose(Object.values(vars));
    },
  };
}

/**
 * tf.layers: two stateful `tf.layers.lstm` (state carried between calls, as ours) and a time-distributed softmax,
 * trained with `trainOnBatch` (SGD lr 1; tf.layers has no global-norm clipping, so it clips nothing) and run
 * forward with `evaluate`. Its Embedding cannot train on wasm (the gather gradient needs UnsortedSegmentSum,
 * which tfjs-backend-wasm lacks), so it starts at the LSTM: inputs are embedded outside the model and no
 * embedding is updated, i.e. it does a little less work than the models it is compared with.
 */
function layersModel() {
  const table = tf.randomUniform([CFG.vocabSize, CFG.embeddingSize], -0.1, 0.1, 'float32', 1);
  const init = () => tfl.initializers.randomUniform({ minval: -0.1, maxval: 0.1, seed: 1 });
  const model = tfl.sequential();
  const lstm = (extra) => tfl.layers.lstm({ units: CFG.hiddenSize, returnSequences: true, stateful: true, kernelInitializer: init(), recurrentInitializer: init(), biasInitializer: init(), ...extra });
  model.add(lstm({ batchInputShape: [BATCH, null, CFG.embeddingSize] }));
  for (let l = 1; l < CFG.layers; l++) model.add(lstm({}));
  model.add(tfl.layers.timeDistributed({ layer: tfl.layers.dense({ units: CFG.vocabSize, activation: 'softmax', kernelInitializer: init() }) }));
  model.compile({ optimizer: tf.train.sgd(1), loss: 'sparseCategoricalCrossentropy' });
  const inputs = (bptt) => {
    const seg = nextSegment(bptt);
    return tf.tidy(() => ({
      x: tf.gather(table, tf.tensor2d(seg.x, [BATCH, bptt], 'int32')),
      y: tf.tensor3d(seg.y, [BATCH, bptt, 1], 'float32'),
    }));
  };
  const scalar = async (loss) => {
    const t = Array.isArray(loss) ? loss[0] : loss;
    if (typeof t === 'number') return t;
    const v = (await t.data())[0];
    t.dispose();
    return v;
  };
  return {
    reset() {
      model.resetStates();
    },
    async train(bptt) {
      const { x, y } = inputs(bptt);
      const loss = await model.trainOnBatch(x, y);
      tf.dispose([x, y]);
      return scalar(loss);
    },
    async infer(bptt) {
      const { x, y } = inputs(bptt);
      const loss = model.evaluate(x, y, { batchSize: BATCH });
      tf.dispose([x, y]);
      return scalar(loss);
    },
    dispose() {
      model.dispose();
      table.dispose();
    },
  };
}

/**
 * Warm-up steps, then up to `spec.steps` timed one by one (each waits for its loss), stopping early once
 * `spec.maxSeconds` of timed steps have passed (`capped` says so). `warm` false skips the warm-up (`warmupOnce`).
 */
async function timeCase(model, mode, bptt, spec, warm) {
  model.reset();
  const warmup = warm ? spec.warmup : 0;
  for (let i = 0; i < warmup; i++) await model[mode](bptt);
  const stepSeconds = [];
  const cpuSeconds = [];
  let loss = NaN;
  let seconds = 0;
  while (stepSeconds.length < spec.steps && !(seconds >= (spec.maxSeconds ?? Infinity))) {
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    loss = await model[mode](bptt);
    const cpu = process.cpuUsage(c0);
    stepSeconds.push((performance.now() - t0) / 1000);
    // CPU time of the whole process (all its threads) per step: on a shared machine, the work itself.
    cpuSeconds.push((cpu.user + cpu.system) / 1e6);
    seconds += stepSeconds.at(-1);
  }
  const steps = stepSeconds.length;
  const sorted = [...cpuSeconds].sort((a, b) => a - b);
  return {
    tokensPerSecond: (BATCH * bptt * steps) / seconds, warmup, steps, capped: steps < spec.steps, seconds, stepSeconds, loss,
    cpuSecondsPerStep: sorted[sorted.length >> 1], cpuSeconds,
  };
}

// The webgpu backend as a literal import, so a bundle of this file (bench/gpuDevicePack.sh, for a GPU machine with
// no node_modules) carries it; Dawn's native `webgpu` package stays beside the bundle.
const modules = { '@tensorflow/tfjs-backend-webgpu': () => import('@tensorflow/tfjs-backend-webgpu') };
const selection = await initBackend({ ...job.init, ...(job.backend === 'webgpu' ? { modules } : {}), only: job.backend });
const model = job.runner === 'tfjs-layers' ? layersModel() : nlpkitModel();
const cases = {};
for (const [i, bptt] of job.bptts.entries()) {
  for (const mode of ['train', 'infer']) {
    const spec = job.steps[mode];
    cases[`${mode}-${bptt}`] = await timeCase(model, mode, bptt, spec, i === 0 || spec.warmupOnce !== true);
  }
}
// job.countKernels: one more training step per BPTT length under tf.profile, for the kernels (GPU dispatches on
// webgpu) a step launches.
const kernelsPerTrainStep = {};
if (job.countKernels === true) {
  for (const bptt of job.bptts) kernelsPerTrainStep[bptt] = (await tf.profile(() => model.train(bptt))).kernels.length;
}
// Which matmul nlpkit's ops ran on wasm (the tensor package's own GEMM registers itself on first use).
const gemm = tf.getKernel('NlpkitWasmMatMul', 'wasm')?.nlpkitGemm;
const wasmGemm = gemm?.engine === undefined ? undefined : { threads: gemm.engine.threads, fma: gemm.modules?.fma === true, blas: gemm.engine.blas ?? null, stats: gemm.engine.stats };
model.dispose();
const flag = async (name) => {
  try {
    return await tf.env().getAsync(name);
  } catch {
    return undefined;
  }
};
console.log(JSON.stringify({
  runner: job.runner,
  backend: selection.name,
  // The adapter initBackend found (webgpu: its vendor, architecture and driver, and whether it is a fallback).
  ...(selection.name === 'webgpu' ? { adapter: selection.tried.find((t) => t.ok)?.reason ?? null } : {}),
  ...(job.countKernels === true ? { kernelsPerTrainStep } : {}),
  tfjs: tf.version_core,
  wasm: selection.name === 'wasm' ? { simd: await flag('WASM_HAS_SIMD_SUPPORT'), threads: await flag('WASM_HAS_MULTITHREAD_SUPPORT'), nlpkitGemm: wasmGemm ?? null } : undefined,
  env: Object.fromEntries(['NLPKIT_WASM_GEMM', 'NLPKIT_WASM_THREADS', 'NLPKIT_WASM_FUSED', 'NLPKIT_WASM_FMA'].map((k) => [k, process.env[k] ?? null])),
  numTensorsAtEnd: tf.memory().numTensors,
  cases,
}));
