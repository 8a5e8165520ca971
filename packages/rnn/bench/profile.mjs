// Per-kernel profile of one Zaremba-small LSTM-LM training step (a development aid, not part of `pnpm bench`).
// Usage: node bench/profile.mjs [wasm|cpu]   (after `pnpm build`)
import * as tf from '@tensorflow/tfjs-core';
import { createRng } from '@nlpkit/core';
import { initBackend } from '@nlpkit/tensor';
import { flattenParams, sgd, trainStep, unflattenParams } from '@nlpkit/train';
import { initRecurrentLm, recurrentLmForward, recurrentLmLoss } from '../dist/index.js';
const backend = process.argv[2] ?? 'wasm';
await initBackend({ only: backend });
const rng = createRng(1);
const cfg = { vocabSize: 10000, embeddingSize: 200, hiddenSize: 200, layers: 2 };
const p0 = initRecurrentLm(cfg, rng, 0.1);
const flat = flattenParams(p0);
const vars = Object.fromEntries(Object.entries(flat).map(([k, t]) => [k, tf.variable(t)]));
const params = unflattenParams(p0, vars);
const opt = sgd();
const ids = tf.tensor2d(Array.from({ length: 700 }, (_, i) => (i * 7919) % 10000), [20, 35], 'int32');
const tg = tf.tensor2d(Array.from({ length: 700 }, (_, i) => (i * 104729) % 10000), [20, 35], 'int32');
trainStep(vars, () => recurrentLmLoss(recurrentLmForward(cfg, params, ids).logits, tg), opt, 1, { maxNorm: 5 }).dispose();
const prof = await tf.profile(() => { trainStep(vars, () => recurrentLmLoss(recurrentLmForward(cfg, params, ids).logits, tg), opt, 1, { maxNorm: 5 }).dispose(); });
const agg = {};
for (const k of prof.kernels) { const t = await k.kernelTimeMs; const key = k.name + ' ' + JSON.stringify(k.inputShapes?.slice(0,2)); agg[key] = agg[key] || [0,0]; agg[key][0] += (typeof t === 'number' ? t : 0); agg[key][1]++; }
const rows = Object.entries(agg).sort((a,b)=>b[1][0]-a[1][0]).slice(0,25);
for (const [k,[t,n]] of rows) console.log(t.toFixed(1).padStart(8), String(n).padStart(4), k);
console.log('total kernel ms', Object.values(agg).reduce((a,b)=>a+b[0],0).toFixed(0));
