export {
  writeFileAtomic,
  writeFileAtomicSync,
  removeStaleTemps,
  tempPathFor,
  checkOutputPath,
  checkOutputPathSync,
  type FileContent,
  type WriteAtomicOptions,
} from './writeFileAtomic.js';
export { inputFileError, isSystemError } from './inputFileError.js';
