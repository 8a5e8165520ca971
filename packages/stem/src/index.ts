export { porterStem, type Stem } from './porterStem.js';
