export { japaneseStem } from './japaneseStem.js';
