export { writeArpaFile, writeArpaFileSync, readArpaFile } from './arpaFile.js';
export type { ReadArpaFileOptions, WriteArpaFileOptions } from './arpaFile.js';
export { writeBinaryModelFile } from './binaryModelFile.js';
export type { BinaryModelFileOptions } from './binaryModelFile.js';
export { countKenlmTextOnDisk, countNgramsOnDisk, readCountFile } from './countNgramsOnDisk.js';
export { countKenlmText } from './countKenlmText.js';
export type { KenlmTextCountOptions } from './countKenlmText.js';
export { countKenlmTextFile } from './countKenlmTextFile.js';
export type { KenlmTextFileCountOptions } from './countKenlmTextFile.js';
export { countKenlmTextOnThreads } from './countKenlmTextOnThreads.js';
export { countKenlmFileOnDisk } from './countKenlmFileOnDisk.js';
export type { KenlmFileDiskCountOptions } from './countKenlmFileOnDisk.js';
export type { DiskCountOptions, DiskCounts, KenlmTextDiskCountOptions, TextChunks } from './countNgramsOnDisk.js';
export { readModelFile, isBinaryModelFile } from './modelFile.js';
export type { ReadModelFileOptions } from './modelFile.js';
export { estimateKneserNeyOnDisk, MIN_ESTIMATION_MEMORY } from './estimateKneserNeyOnDisk.js';
export type { KenlmFileInput, KenlmTextInput, KneserNeyOnDiskOptions, KneserNeyOnDiskResult, OnDiskStage } from './estimateKneserNeyOnDisk.js';

// Building blocks of the out-of-core estimator, for estimators that run its passes in pieces (the distributed
// estimator of `@nlpkit/distributed` runs them partitioned across machines and writes the same bytes).
export { RecordReader } from './countFiles.js';
export { RecordSorter } from './recordSorter.js';
export type { RecordSorterOptions } from './recordSorter.js';
export { RecordWriter } from './recordWriter.js';
export { MemoryBudget, collectDroppedArrays } from './memoryBudget.js';
export { DiskWorkspace, compareRecords } from './diskWorkspace.js';
export { kneserNeyContext, kneserNeyUnigrams, eachKneserNeyContext } from './kneserNeyContext.js';
export type { AdjustedCountCursor, KneserNeyContextGroup } from './kneserNeyContext.js';
export { FinalNgramQuirk, orderDiscount } from './finalNgramQuirk.js';
export { interpolatedArpaSections } from './interpolatedArpaText.js';
export type { LastWordRange } from './interpolatedArpaText.js';
export { arpaHeader, arpaSectionHeader, ARPA_END } from './arpaLines.js';
export { encodeTrainingSentence, UNK_INDEX, BOS_INDEX, EOS_INDEX } from './ngramWordIndex.js';
export { writeStupidBackoffFile, readStupidBackoffFile } from './stupidBackoffFile.js';
export type { WriteStupidBackoffFileOptions } from './stupidBackoffFile.js';
export { StupidBackoffLineWriter, stupidBackoffHeader, stupidBackoffSectionHeader, STUPID_BACKOFF_END } from './stupidBackoffFormat.js';
export { scoreTextFileParallel, readFileShared } from './scoreTextFileParallel.js';
export type { ScoreTextFileParallelOptions } from './scoreTextFileParallel.js';
