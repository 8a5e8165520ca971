export { readRecurrentLmFile, writeRecurrentLmFile } from './node/recurrentLmFile.js';
export { RUN_FILES, recipeDirOf, trainRecurrentLmRun } from './node/trainRecurrentLmRun.js';
export type { RecurrentLmRunResult, TrainRecurrentLmRunOptions } from './node/trainRecurrentLmRun.js';
export { absoluteDataPaths, canonicalJson, checkpointLoop, curveWriter, definedOptions, pathExists, readRunText, resumeRunFolder, runFolderCallbacks, runFolderRecipe } from './node/runFolder.js';
export type { RunFolderCallbackOptions, RunFolderResume } from './node/runFolder.js';
