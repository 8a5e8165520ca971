export { readLines, type ReadLinesOptions, type LineSource } from './readLines.js';
