export { startRedis, redisAvailability, freePort } from './testing/redisServer.js';
export type { TestRedis } from './testing/redisServer.js';
