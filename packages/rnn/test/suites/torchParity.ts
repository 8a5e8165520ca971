import * as tf from '@tensorflow/tfjs-core';
import type { Tensor, Tensor2D, Tensor3D } from '@tensorflow/tfjs-core';
import { loadSafetensors, serializeSafetensors, unstack, type RawTensor } from '@nlpkit/tensor';
import { expectCloseAsync } from '@nlpkit/tensor/testing';
import { flattenParams, unflattenParams } from '@nlpkit/train';
import { expect, it } from 'vitest';
import { rnnStack } from '../../src/layers/rnnStack.js';
import { fromTorchRnn } from '../../src/torch/torchImport.js';
import type { CellState } from '../../src/types.js';
import { loadTorchCases, type FixtureTensor, type TorchCase } from '../torchFixtures.js';

// The same 1e-5 on every backend, webgpu (SwiftShader) included.
const TOL = { atol: 1e-5, rtol: 0 };
const t = (f: FixtureTensor): Tensor => tf.tensor(f.data, f.shape, 'float32');

/** Our parameter path → PyTorch name and whether the stored layout is the transpose of PyTorch's. */
function torchName(path: string): { name: string; transposed: boolean } {
  const m = /^layers\.(\d+)\.(forward|backward)\.(\w+)$/.exec(path);
  if (m === null) throw new Error(`unexpected parameter path ${path}`);
  const suffix = `l${m[1]}${m[2] === 'backward' ? '_reverse' : ''}`;
  const map: Record<string, [string, boolean]> = {
    wIh: ['weight_ih', true], wHh: ['weight_hh', true], wProj: ['weight_hr', true],
    bias: ['bias_ih', false], bIh: ['bias_ih', false], bHh: ['bias_hh', false],
  };
  const [base, transposed] = map[m[3] as string] as [string, boolean];
  return { name: `${base}_${suffix}`, transposed };
}

/** What one case computes, to be compared with what PyTorch computed: `[what, ours, PyTorch's]`. */
type Check = [string, Tensor, Tensor];

/** Runs one case forward and backward (call inside `tf.tidy`); nothing is read back here. */
function runCase(c: TorchCase, fused: boolean): Check[] {
  // The import path under test: PyTorch names → safetensors bytes → loadSafetensors → fromTorchRnn.
  // The bytes come from the fixture's host arrays: saveSafetensors reads synchronously, which webgpu refuses.
  const raw = new Map(Object.entries(c.params).map(([k, v]): [string, RawTensor] => [k, { dtype: 'F32', shape: v.shape, data: new Uint8Array(Float32Array.from(v.data).buffer) }]));
  const bytes = serializeSafetensors(raw);
  const loaded = loadSafetensors(bytes).tensors;
  const spec = c.mode === 'RNN' ? { mode: c.mode, nonlinearity: c.nonlinearity } : { mode: c.mode };
  const { config, params } = fromTorchRnn(loaded, spec);
  const flat = flattenParams(params);
  const names = Object.keys(flat);
  const x = t(c.x) as Tensor3D;
  const h0 = t(c.h0);
  const c0 = c.c0 === undefined ? undefined : t(c.c0);
  const gOut = t(c.gOut);
  const gH = t(c.gH);
  const gC = c.gC === undefined ? undefined : t(c.gC);
  let outputs: Tensor | undefined;
  let hN: Tensor | undefined;
  let cN: Tensor | undefined;
  const inputs = [x, h0, ...(c0 === undefined ? [] : [c0]), ...names.map((n) => flat[n] as Tensor)];
  const loss = (...ts: Tensor[]): tf.Scalar => {
    const [xi, h0i] = ts as [Tensor3D, Tensor];
    const c0i = c0 === undefined ? undefined : (ts[2] as Tensor);
    const rest = ts.slice(c0 === undefined ? 2 : 3);
    const p = unflattenParams(params, Object.fromEntries(names.map((n, i) => [n, rest[i] as Tensor])));
    const hs = unstack<Tensor2D>(h0i);
    const cs = c0i === undefined ? undefined : unstack<Tensor2D>(c0i);
    const initialState: CellState[] = hs.map((h, i) => (cs === undefined ? { h } : { h, c: cs[i] as Tensor2D }));
    const r = rnnStack(config, p, xi, { initialState, fused, ...(c.lengths === null ? {} : { lengths: c.lengths }) });
    outputs = tf.keep(r.outputs);
    hN = tf.keep(tf.stack(r.states.map((s) => s.h)));
    let l = tf.add(tf.sum(tf.mul(r.outputs, gOut)), tf.sum(tf.mul(hN, gH)));
    if (gC !== undefined) {
      cN = tf.keep(tf.stack(r.states.map((s) => s.c as Tensor2D)));
      l = tf.add(l, tf.sum(tf.mul(cN, gC)));
    }
    return l as tf.Scalar;
  };
  const grads = tf.grads(loss)(inputs);
  const checks: Check[] = [
    ['outputs', outputs as Tensor, t(c.out)],
    ['h_n', hN as Tensor, t(c.hN)],
    ['d x', grads[0] as Tensor, t(c.gradX)],
    ['d h_0', grads[1] as Tensor, t(c.gradH0)],
  ];
  if (c.cN !== undefined) checks.push(['c_n', cN as Tensor, t(c.cN)]);
  if (c.gradC0 !== undefined) checks.push(['d c_0', grads[2] as Tensor, t(c.gradC0)]);
  const offset = c0 === undefined ? 2 : 3;
  names.forEach((n, i) => {
    const { name, transposed } = torchName(n);
    const g = grads[offset + i] as Tensor;
    const expected = c.grads[name];
    expect(expected, name).toBeDefined();
    checks.push([`d ${name}`, transposed ? tf.transpose(g) : g, t(expected as FixtureTensor)]);
  });
  expect(names.length).toBe(Object.keys(c.params).length - names.filter((n) => n.endsWith('.bias')).length);
  return checks;
}

/** Computes one case, then reads every result back asynchronously (as webgpu requires) and compares. */
async function expectCase(c: TorchCase, fused: boolean): Promise<void> {
  const checks = tf.tidy(() => runCase(c, fused));
  try {
    for (const [what, ours, theirs] of checks) await expectCloseAsync(ours, theirs, TOL, `${c.name}: ${what}`);
  } finally {
    tf.dispose(checks.flatMap(([, a, b]) => [a, b]));
  }
}

/**
 * The PyTorch parity suite (fixtures from scripts/golden/rnn/torch_parity.py): outputs, final states and every
 * gradient of each case within 1e-5. Registered by `describeBackends` in Node (cpu, wasm) and in Chromium
 * (cpu, wasm, webgpu).
 */
export function torchParitySuite(): void {
  for (const c of loadTorchCases()) {
    it(`${c.name}: outputs, final states and every gradient within 1e-5`, () => expectCase(c, true));
    if (c.mode === 'LSTM' && c.projSize === 0) {
      it(`${c.name}: the unfused (autodiff) path agrees too`, () => expectCase(c, false));
    }
  }
}
