export { writeArpaFile, readArpaFile } from './arpaFile.js';
export { countNgramsOnDisk, readCountFile } from './countNgramsOnDisk.js';
export type { DiskCountOptions, DiskCounts } from './countNgramsOnDisk.js';
