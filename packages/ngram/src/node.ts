export { writeArpaFile, writeArpaFileSync, readArpaFile } from './arpaFile.js';
export type { WriteArpaFileOptions } from './arpaFile.js';
export { writeBinaryModelFile } from './binaryModelFile.js';
export type { BinaryModelFileOptions } from './binaryModelFile.js';
export { countNgramsOnDisk, readCountFile } from './countNgramsOnDisk.js';
export type { DiskCountOptions, DiskCounts } from './countNgramsOnDisk.js';
export { readModelFile } from './modelFile.js';
export type { ReadModelFileOptions } from './modelFile.js';
