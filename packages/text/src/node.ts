export { readLines, DEFAULT_MAX_LINE_LENGTH, type ReadLinesOptions, type LineSource } from './readLines.js';
