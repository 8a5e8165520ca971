export { RedisConnectionError, DistributedJobError } from './errors.js';
export type { SharedStorage } from './sharedStorage.js';
export type { RedisConnection } from './redisConnection.js';
export type { Shard } from './shards.js';
export type { WorkerOptions, WorkerEvent, DistributedWorker } from './startWorker.js';
export type { DistributedTrainOptions, DistributedTrainResult, DistributedProgress, DistributedStage } from './trainKneserNeyDistributed.js';
export type { DistributedScoreOptions, DistributedScoreResult } from './scoreCorpusDistributed.js';
export type { ScoreTotals } from './scorePlan.js';
