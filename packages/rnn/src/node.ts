export { readRecurrentLmFile, writeRecurrentLmFile } from './node/recurrentLmFile.js';
export { RUN_FILES, recipeDirOf, trainRecurrentLmRun } from './node/trainRecurrentLmRun.js';
export type { RecurrentLmRunResult, TrainRecurrentLmRunOptions } from './node/trainRecurrentLmRun.js';
export { absoluteDataPaths, canonicalJson, checkpointLoop, curveWriter, definedOptions, pathExists, readRunText, resumeRunFolder, runFolderRecipe } from './node/runFolder.js';
export type { RunFolderResume } from './node/runFolder.js';
