import type { Tensor2D } from '@tensorflow/tfjs-core';
import { RnnOptionError } from '../errors.js';
import type { CellState } from '../types.js';
import { checkDtype, checkShape } from '../validate.js';

/**
 * Shared argument checks for the cell functions: `x` is `[batch, in]` matching `wIh`, the state matches the
 * batch and the recurrent width, and `wIh`/`wHh` have `gates · H` columns.
 */
export function checkCellInputs(
  fn: string,
  wIh: Tensor2D,
  wHh: Tensor2D,
  gates: number,
  x: Tensor2D,
  state: CellState,
  needsC: boolean,
  hiddenSize?: number,
): void {
  checkShape(wIh, `${fn} params.wIh`, [null, null], ['in', 'gates·H']);
  const cols = wIh.shape[1];
  const H = hiddenSize ?? cols / gates;
  if (!Number.isInteger(H) || H * gates !== cols) {
    throw new RnnOptionError(`${fn} params.wIh must have ${gates}·H columns, got ${cols}`);
  }
  checkShape(wHh, `${fn} params.wHh`, [null, cols], ['H', `${gates}·H=${cols}`]);
  checkShape(x, `${fn} x`, [null, wIh.shape[0]], ['batch', `in=${wIh.shape[0]}`]);
  checkDtype(x, `${fn} x`, 'float32');
  const batch = x.shape[0];
  checkShape(state.h, `${fn} state.h`, [batch, wHh.shape[0]]);
  if (needsC) {
    if (state.c === undefined) throw new RnnOptionError(`${fn} state.c is required for an LSTM, got undefined`);
    checkShape(state.c, `${fn} state.c`, [batch, H]);
  }
}
