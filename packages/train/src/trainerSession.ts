import * as tf from '@tensorflow/tfjs-core';
import type { Tensor, Variable } from '@tensorflow/tfjs-core';
import { InvalidArgumentError, type Rng, type RngState } from '@nlpkit/core';
import { type Checkpoint, decodeCheckpoint, encodeCheckpoint, encodeCheckpointAsync } from './checkpoint.js';
import { CheckpointError, PKG } from './errors.js';
import type { Optimizer } from './optimizers/optimizer.js';
import { flattenParams, unflattenParams, type ParamTree } from './paramTree.js';
import type { LoopState } from './trainLoop.js';
import type { TrainerCheckpointEvent, TrainerCommonOptions } from './trainerOptions.js';

/** A loop state with the numbers a trainer keeps beside it in its checkpoints (`seconds`, tokens seen...). */
export type TrainerLoopState = LoopState & { readonly [key: string]: unknown };

/** Options of {@link trainerSession}. */
export interface TrainerSessionOptions<P extends ParamTree> {
  /** The initial parameters, a tree of tensors; taken over: copied into variables, then disposed. */
  readonly init: P;
  readonly optimizer: Optimizer;
  /** The generator of dropout masks (and whatever else the trainer draws while training); saved and restored. */
  readonly rng: Rng;
  /** Strings stored in every checkpoint: what describes the run (config, batch size...) and the user's `meta`. */
  readonly meta: Readonly<Record<string, string>>;
  /** The `meta` entries a checkpoint must share with this run to be resumed (those that fix the steps' batches). */
  readonly runKeys: readonly string[];
  /** Checkpoint bytes written by the same trainer (its `options.resume`); undefined: a fresh start. */
  readonly resume?: Uint8Array | undefined;
  /** The argument named in errors about `resume`. Default `'options.resume'`. */
  readonly argument?: string;
}

/**
 * One training run's state apart from the data and the loop: trainable variables, optimizer, RNG, a clock counting
 * training time over every run, and checkpoints that hold all of it. What every trainer would otherwise write again.
 */
export interface TrainerSession<P extends ParamTree> {
  /** The variables, by flat name (what `trainStep` differentiates). */
  readonly vars: Readonly<Record<string, Variable>>;
  /** The same variables in the tree shape of `init` (what the model's forward function takes). */
  readonly params: P;
  readonly optimizer: Optimizer;
  /** The loop state resumed from (`resume` given), to hand to `trainLoop`; absent on a fresh start. */
  readonly resumed?: TrainerLoopState;
  /** The resumed checkpoint's buffers, cloned: the caller owns them. Empty on a fresh start. */
  readonly buffers: Readonly<Record<string, Tensor>>;
  /** Seconds of training over every run of this session's checkpoints (stored as `seconds` in the loop state). */
  seconds(): number;
  /** Counts units (tokens, examples) trained in the current window. */
  count(units: number): void;
  /** Units per second since the window started, and starts the next window. */
  windowRate(): number;
  /** Starts a new window without reporting: time spent evaluating or saving is not training time. */
  restartWindow(): void;
  /**
   * Checkpoint bytes of the current state at `position`, with the trainer's `extra` loop numbers and `buffers`
   * (read synchronously: throws on webgpu, where `save` works).
   */
  encode(position: LoopState, extra?: Readonly<Record<string, unknown>>, buffers?: Readonly<Record<string, Tensor>>): Uint8Array;
  /**
   * Encodes a checkpoint and hands it to `options.checkpoint` with the position and `params`, then reports a
   * `'checkpoint'` event through `options.onEvent`; does nothing without `options.checkpoint`.
   */
  save(
    options: Pick<TrainerCommonOptions<TrainerCheckpointEvent, P>, 'checkpoint' | 'onEvent'>,
    position: LoopState,
    extra?: Readonly<Record<string, unknown>>,
    buffers?: Readonly<Record<string, Tensor>>,
  ): Promise<void>;
  /** Frees the variables and the optimizer state. */
  dispose(): void;
}

/**
 * Starts (or resumes) a training run: makes variables of `init`, and with `resume` refuses a checkpoint of another
 * run (any of `runKeys` of `meta` differs: a `CheckpointError` naming the key), of another optimizer or with other
 * parameter shapes, then loads the parameters, the optimizer state and the RNG state. On an error everything it
 * made is freed.
 *
 * @example
 * const session = trainerSession({ init: initModel(config, rng), optimizer, rng, meta, runKeys: ['config'], resume: options.resume });
 * const result = await trainLoop({ epochs, stepsPerEpoch, ...trainerLoopOptions(options, session.resumed),
 *   step, checkpoint: (position) => session.save(options, position) });
 */
export function trainerSession<P extends ParamTree>(options: TrainerSessionOptions<P>): TrainerSession<P> {
  const { optimizer, rng, meta } = options;
  const argument = options.argument ?? 'options.resume';
  const flat = flattenParams(options.init);
  const vars = Object.create(null) as Record<string, Variable>;
  for (const [name, t] of Object.entries(flat)) vars[name] = tf.variable(t, true);
  tf.dispose(Object.values(flat));
  const params = unflattenParams(options.init, vars) as P;
  const dispose = (): void => {
    tf.dispose(Object.values(vars));
    optimizer.dispose();
  };
  let resumed: TrainerLoopState | undefined;
  let buffers: Record<string, Tensor> = {};
  if (options.resume !== undefined) {
    try {
      ({ loop: resumed, buffers } = restore(options.resume, vars, options, argument));
    } catch (error) {
      dispose();
      throw error;
    }
  }
  const secondsBefore = Number(resumed?.['seconds']) || 0;
  const started = performance.now();
  const seconds = (): number => secondsBefore + (performance.now() - started) / 1000;
  let windowStart = performance.now();
  let windowUnits = 0;
  const restartWindow = (): void => {
    windowStart = performance.now();
    windowUnits = 0;
  };
  const checkpointAt = (position: LoopState, extra: Readonly<Record<string, unknown>> = {}, saved?: Readonly<Record<string, Tensor>>): Checkpoint => ({
    params: vars,
    optimizer: optimizer.state(),
    ...(saved !== undefined ? { buffers: { ...saved } } : {}),
    optimizerKind: optimizer.kind,
    rng: rng.getState(),
    loop: { ...position, ...extra, seconds: seconds() },
    meta: { ...meta },
  });
  const encode = (position: LoopState, extra?: Readonly<Record<string, unknown>>, saved?: Readonly<Record<string, Tensor>>): Uint8Array =>
    encodeCheckpoint(checkpointAt(position, extra, saved));
  return {
    vars,
    params,
    optimizer,
    ...(resumed !== undefined ? { resumed } : {}),
    buffers,
    seconds,
    count: (units) => {
      windowUnits += units;
    },
    windowRate: () => {
      const now = performance.now();
      const elapsed = (now - windowStart) / 1000;
      const rate = elapsed > 0 ? windowUnits / elapsed : 0;
      windowStart = now;
      windowUnits = 0;
      return rate;
    },
    restartWindow,
    encode,
    save: async (sink, position, extra, saved) => {
      if (sink.checkpoint === undefined) return;
      // Read asynchronously: the synchronous read returns zeros on webgpu in headless Chromium.
      const bytes = await encodeCheckpointAsync(checkpointAt(position, extra, saved));
      await sink.checkpoint(bytes, { ...position }, params);
      sink.onEvent?.({ type: 'checkpoint', epoch: position.epoch, step: position.step });
      restartWindow();
    },
    dispose,
  };
}

/** Checks a checkpoint against the run and loads it into `vars`, the optimizer and the RNG. */
function restore(
  bytes: Uint8Array,
  vars: Readonly<Record<string, Variable>>,
  options: TrainerSessionOptions<ParamTree>,
  argument: string,
): { loop: TrainerLoopState; buffers: Record<string, Tensor> } {
  if (!(bytes instanceof Uint8Array)) throw new InvalidArgumentError({ package: PKG, argument, expected: 'checkpoint bytes (a Uint8Array)', found: bytes });
  const { meta, optimizer } = options;
  const ck = decodeCheckpoint(bytes);
  const owned: Tensor[] = [...Object.values(ck.params), ...Object.values(ck.optimizer)];
  const buffers = ck.buffers ?? {};
  try {
    for (const key of options.runKeys) {
      if (ck.meta?.[key] !== meta[key]) {
        throw new CheckpointError({ argument: `${argument} (${key})`, expected: `a checkpoint of this run (${key} ${meta[key] ?? 'absent'})`, found: ck.meta?.[key] ?? null });
      }
    }
    if (ck.optimizerKind !== optimizer.kind) {
      throw new CheckpointError({ argument: `${argument} (optimizer)`, expected: `a checkpoint of a ${optimizer.kind} optimizer`, found: ck.optimizerKind });
    }
    for (const [name, v] of Object.entries(vars)) {
      const t = ck.params[name];
      if (t === undefined || t.shape.join(',') !== v.shape.join(',')) {
        throw new CheckpointError({ argument: `${argument} params "${name}"`, expected: `a tensor of shape [${v.shape.join(', ')}]`, foundText: t === undefined ? 'none' : `[${t.shape.join(', ')}]` });
      }
    }
    for (const [name, v] of Object.entries(vars)) v.assign(ck.params[name] as Tensor);
    optimizer.loadState(ck.optimizer);
    options.rng.setState(ck.rng as RngState);
    const loop = (ck.loop ?? {}) as TrainerLoopState;
    return { loop, buffers };
  } catch (error) {
    tf.dispose(Object.values(buffers));
    throw error;
  } finally {
    tf.dispose(owned);
  }
}
