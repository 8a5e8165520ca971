export { readRecurrentLmFile, writeRecurrentLmFile } from './node/recurrentLmFile.js';
export { RUN_FILES, recipeDirOf, trainRecurrentLmRun } from './node/trainRecurrentLmRun.js';
export type { RecurrentLmRunResult, TrainRecurrentLmRunOptions } from './node/trainRecurrentLmRun.js';
