import type { ConnectionOptions as TlsConnectionOptions } from 'node:tls';
import { InvalidArgumentError } from '@nlpkit/core';
import { Redis } from 'ioredis';
import { PKG, RedisConnectionError, check } from './errors.js';

/**
 * How to reach Redis: a URL (`redis://:password@host:6379/0`, `rediss://…` for TLS), or its parts. The password
 * may be in the URL or given as `password` (which wins); `tls` is passed to Node's `tls.connect` as is (a CA,
 * client certificates, `servername`, ...) and turns TLS on.
 */
export type RedisConnection =
  | string
  | {
      url?: string;
      host?: string;
      port?: number;
      username?: string;
      password?: string;
      db?: number;
      tls?: TlsConnectionOptions;
    };

/** Connection options as ioredis and BullMQ take them (BullMQ's workers need `maxRetriesPerRequest: null`). */
export interface RedisOptions {
  host?: string;
  port?: number;
  username?: string;
  password?: string;
  db?: number;
  tls?: TlsConnectionOptions;
  maxRetriesPerRequest: null;
}

/** The connection options for `connection` (a URL is parsed here, so the password never travels in a URL). */
export function redisOptions(connection: RedisConnection): RedisOptions {
  const given = typeof connection === 'string' ? { url: connection } : connection;
  if (given === null || typeof given !== 'object') throw check.invalid(connection, 'redis', 'a redis:// URL or connection options');
  check.options(given, 'redis', ['url', 'host', 'port', 'username', 'password', 'db', 'tls']);
  const options: RedisOptions = { maxRetriesPerRequest: null };
  if (given.url !== undefined) {
    let url: URL;
    try {
      url = new URL(check.string(given.url, 'redis.url'));
    } catch {
      // The text may hold a password: not repeated in the message.
      throw new InvalidArgumentError({ package: PKG, argument: 'redis.url', expected: 'a URL such as redis://:password@host:6379', foundText: 'text that is not a URL' });
    }
    if (url.protocol !== 'redis:' && url.protocol !== 'rediss:') {
      if (url.password !== '') url.password = '***';
      throw check.invalid(url.href, 'redis.url', 'a redis:// or rediss:// URL');
    }
    options.host = url.hostname || '127.0.0.1';
    options.port = url.port === '' ? 6379 : Number(url.port);
    if (url.username !== '') options.username = decodeURIComponent(url.username);
    if (url.password !== '') options.password = decodeURIComponent(url.password);
    const db = url.pathname.replace(/^\//, '');
    if (db !== '') options.db = check.integer(Number(db), 'redis.url (database)', 0, 1 << 16);
    if (url.protocol === 'rediss:') options.tls = {};
  }
  if (given.host !== undefined) options.host = check.string(given.host, 'redis.host');
  if (given.port !== undefined) options.port = check.integer(given.port, 'redis.port', 1, 65535);
  if (given.username !== undefined) options.username = check.string(given.username, 'redis.username');
  if (given.password !== undefined) options.password = check.string(given.password, 'redis.password');
  if (given.db !== undefined) options.db = check.integer(given.db, 'redis.db', 0, 1 << 16);
  if (given.tls !== undefined) options.tls = { ...options.tls, ...given.tls };
  return options;
}

/** `host:port` of `options`, for messages (never the password). */
export function redisAddress(options: RedisOptions): string {
  return `${options.host ?? '127.0.0.1'}:${options.port ?? 6379}`;
}

/**
 * Connects once and pings, so that a wrong password or an unreachable server is a clear error now rather than
 * endless reconnecting later.
 * @throws RedisConnectionError (`ERR_REDIS_AUTH` for a refused password, `ERR_REDIS_CONNECTION` otherwise).
 */
export async function checkRedis(options: RedisOptions, timeoutMs = 10_000): Promise<void> {
  const address = redisAddress(options);
  const client = new Redis({ ...options, lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null, connectTimeout: timeoutMs, enableOfflineQueue: false });
  // ioredis reports a refused AUTH as an 'error' event and then only "Connection is closed" to the caller.
  let event: Error | undefined;
  client.on('error', (error: Error) => {
    event ??= error;
  });
  try {
    await client.connect();
    await client.ping();
  } catch (thrown) {
    const cause = event ?? thrown;
    const message = String((cause as Error | undefined)?.message ?? cause);
    const auth = /WRONGPASS|NOAUTH|invalid password|invalid username-password/i.test(message);
    throw new RedisConnectionError({
      package: PKG,
      address,
      auth,
      cause,
      message: auth
        ? `Redis at ${address} refused the credentials (wrong password or user): ${message}`
        : `cannot use Redis at ${address}: ${message}`,
    });
  } finally {
    client.disconnect();
  }
}
