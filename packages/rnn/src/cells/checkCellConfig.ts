import { UnknownNameError } from '@nlpkit/core';
import { PKG, RnnOptionError } from '../errors.js';
import type { CellConfig } from '../types.js';
import { checkKeys } from '../validate.js';

const CELL_TYPES = ['lstm', 'gru', 'rnn'] as const;
const CELL_KEYS: Record<(typeof CELL_TYPES)[number], readonly string[]> = { lstm: ['type', 'coupled'], gru: ['type', 'resetAfter'], rnn: ['type', 'activation'] };

/**
 * Checks a model config's `cell` (`argument`, e.g. `config.cell`): an object with a known `type` and only that
 * type's keys.
 * @throws RnnOptionError for a non-object or an unknown key; UnknownNameError for an unknown cell type
 */
export function checkCellConfig(cell: unknown, argument: string): asserts cell is CellConfig {
  if (cell === null || typeof cell !== 'object') throw new RnnOptionError({ argument, expected: 'a cell config such as { type: "lstm" }', found: cell });
  const type = (cell as { type?: unknown }).type;
  if (typeof type !== 'string' || !(CELL_TYPES as readonly string[]).includes(type)) {
    throw new UnknownNameError({ package: PKG, argument: `${argument}.type`, found: type, allowed: CELL_TYPES });
  }
  checkKeys(cell, argument, CELL_KEYS[type as (typeof CELL_TYPES)[number]]);
}
