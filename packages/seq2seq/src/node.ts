export { readSeq2seqFile, writeSeq2seqFile } from './node/seq2seqFile.js';
export { SEQ2SEQ_RUN_FILES, trainSeq2seqRun } from './node/trainSeq2seqRun.js';
export type { Seq2seqRunResult, TrainSeq2seqRunOptions } from './node/trainSeq2seqRun.js';
