export { RnnDtypeError, RnnLengthError, RnnOptionError, RnnShapeError } from './errors.js';
export type { RnnErrorDetails } from './errors.js';
export type {
  CellConfig, CellParams, CellState, GruCellConfig, GruParams, LstmCellConfig, LstmParams, RngLike, RnnActivation,
  RnnCellConfig, RnnParams,
} from './types.js';
export { rnnCell, rnnProject, rnnStep } from './cells/rnnCell.js';
export { lstmCell, lstmProject, lstmStep } from './cells/lstmCell.js';
export { gruCell, gruProject, gruStep } from './cells/gruCell.js';
export { initCell } from './cells/initCell.js';
export type { InitCellOptions } from './cells/initCell.js';
export { lstmSequence } from './layers/lstmSequence.js';
export { reverseSequences } from './layers/reverseSequences.js';
export { recurrent } from './layers/recurrent.js';
export type { RecurrentOptions, RecurrentResult } from './layers/recurrent.js';
export { rnnStack } from './layers/rnnStack.js';
export type { RnnStackOptions, RnnStackResult, StackLayerParams, StackParams } from './layers/rnnStack.js';
export { dropoutMask } from './layers/dropoutMask.js';
export { embedding, checkIds } from './layers/embedding.js';
export { idsTensor } from './layers/idsTensor.js';
export type { TokenIds } from './layers/idsTensor.js';
export { dense, tiedWeight } from './layers/dense.js';
export type { DenseParams } from './layers/dense.js';
export { fromTorchRnn } from './torch/torchImport.js';
export type { TorchRnnSpec } from './torch/torchImport.js';
export { initRecurrentLm, recurrentLmForward, recurrentLmLoss } from './models/recurrentLm.js';
export type { RecurrentLmConfig, RecurrentLmLossOptions, RecurrentLmOptions, RecurrentLmParams } from './models/recurrentLm.js';
export { recurrentLanguageModel } from './models/recurrentLanguageModel.js';
export type { RecurrentLanguageModelOptions, RecurrentLmState } from './models/recurrentLanguageModel.js';
