export { directoryStorage } from './directoryStorage.js';
export { planShards, shardLines } from './shards.js';
export { startWorker } from './startWorker.js';
export { trainKneserNeyDistributed } from './trainKneserNeyDistributed.js';
export { scoreCorpusDistributed } from './scoreCorpusDistributed.js';
export { mapCorpusDistributed } from './mapCorpusDistributed.js';
export { trainStupidBackoffDistributed } from './trainStupidBackoffDistributed.js';
