import { describe, expect, it } from 'vitest';
import { redisAddress, redisOptions } from './redisConnection.js';

describe('redisOptions', () => {
  it('reads host, port, user, password (URL-encoded) and database from a URL', () => {
    expect(redisOptions('redis://worker:p%40ss@queue.example:6380/2')).toEqual({
      maxRetriesPerRequest: null,
      host: 'queue.example',
      port: 6380,
      username: 'worker',
      password: 'p@ss',
      db: 2,
    });
    expect(redisOptions('redis://:secret@10.0.0.1')).toMatchObject({ host: '10.0.0.1', port: 6379, password: 'secret' });
  });

  it('rediss:// turns TLS on; given TLS options and parts pass through and win', () => {
    expect(redisOptions('rediss://h:1').tls).toEqual({});
    const ca = '-----BEGIN CERTIFICATE-----';
    expect(redisOptions({ url: 'redis://:old@h:1', password: 'new', tls: { ca, servername: 'h' } })).toEqual({
      maxRetriesPerRequest: null,
      host: 'h',
      port: 1,
      password: 'new',
      tls: { ca, servername: 'h' },
    });
    expect(redisAddress(redisOptions({ host: 'h', port: 7000 }))).toBe('h:7000');
  });

  it('refuses what is not a Redis URL or option', () => {
    // Never the password in a message.
    expect(() => redisOptions('http://:secret@h:1')).toThrowErrorMatchingInlineSnapshot(`[InvalidArgumentError: @nlpkit/distributed: redis.url must be a redis:// or rediss:// URL, got "http://:***@h:1/"]`);
    expect(() => redisOptions('secret@h')).toThrowErrorMatchingInlineSnapshot(`[InvalidArgumentError: @nlpkit/distributed: redis.url must be a URL such as redis://:password@host:6379, got text that is not a URL]`);
    expect(() => redisOptions({ host: 'h', pasword: 'x' } as never)).toThrow(/pasword/);
    expect(() => redisOptions({ port: 70000 })).toThrow(/redis\.port/);
  });
});
