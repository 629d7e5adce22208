import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { copyFile } from 'node:fs/promises';
import http from 'node:http';
import { join } from 'node:path';
import { threadId } from 'node:worker_threads';
import { afterAll, afterEach, beforeAll, describe, expect, it, jest } from '@jest/globals';
import type { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import request from 'supertest';
import { AppModule } from '../../sample/app.module.js';
import { AppConfig } from '../../sample/config/app-config.js';
import { HashingConfig } from '../../sample/hashing/hashing-config.js';
import { DEFAULT_ROUNDS, MAX_ROUNDS } from '../../sample/hashing/hashing.constants.js';
import { PoolRegistry, RemoteWorker, type ThreadPool } from 'nestjs-pool';
import { RateLimitedUpstream, type UpstreamStats } from '../../sample/upstream/rate-limited-upstream.js';
import type { UpstreamClient } from '../../sample/upstream/upstream-client.worker.js';
import { installWorkerPackage } from '../workers/worker-package.js';
import { HTTP_ADAPTERS, initApp, listenApp } from './support/http-adapters.js';

const config: AppConfig = { port: 0, upstreamConcurrency: 4, upstreamLatencyMs: 5, reportWorkers: 1 };

/**
 * The hash threads run sample/hashing/hash.worker.mjs under plain Node, where its
 * `import 'nestjs-pool/worker'` needs the built package: run a copy next to a test build of it.
 */
let workerPackage: Awaited<ReturnType<typeof installWorkerPackage>>;
let hashing: HashingConfig;

beforeAll(async () => {
  workerPackage = await installWorkerPackage([]);
  hashing = { threads: 2, workerFile: join(workerPackage.dir, 'hash.worker.mjs') };
  await copyFile(new URL('../../sample/hashing/hash.worker.mjs', import.meta.url), hashing.workerFile);
});

afterAll(() => workerPackage.remove());

/** `rounds` SHA-256 hashes, each of the previous digest: what GET /hash computes, with node:crypto. */
function stretch(input: string, rounds: number): string {
  let digest: Buffer = Buffer.from(input);
  for (let round = 0; round < rounds; round++) digest = createHash('sha256').update(digest).digest();
  return digest.toString('hex');
}

describe.each(HTTP_ADAPTERS)('sample app on %s', (_, adapter) => {
  let app: INestApplication | undefined;

  afterEach(async () => {
    await app?.close();
    app = undefined;
  });

  /** `listen`: on a real port, for a client that disconnects. */
  async function start(listen = false): Promise<INestApplication> {
    const moduleRef = await Test.createTestingModule({ imports: [AppModule] })
      .overrideProvider(AppConfig)
      .useValue(config)
      .overrideProvider(HashingConfig)
      .useValue(hashing)
      .compile();
    app = await (listen ? listenApp : initApp)(moduleRef, adapter);
    return app;
  }

  it('lists its pools: one from forRoot, two from forFeatureAsync with the configured sizes', async () => {
    const server = (await start()).getHttpServer();

    const { body } = await request(server).get('/pools').expect(200);
    expect(body).toEqual([
      expect.objectContaining({ name: 'quotes', state: 'ready', size: 2, maxOverflow: 1, workers: 2 }),
      expect.objectContaining({ name: 'reports', state: 'ready', size: 1, maxOverflow: 0, workers: 1 }),
      expect.objectContaining({ name: 'hash', state: 'ready', size: 2, maxOverflow: 0, workers: 2 }),
    ]);
    // every worker opened one upstream session
    await request(server).get('/upstream').expect(200).expect(({ body }) => expect(body).toMatchObject({ openSessions: 3 }));
  });

  it('serves quotes and reports through the pools without ever exceeding the upstream limit', async () => {
    const server = (await start()).getHttpServer();

    const quotes = Array.from({ length: 12 }, (_, i) => request(server).get(`/quotes/sym${i}`).then((res) => res));
    const reports = Array.from({ length: 3 }, () => request(server).get('/reports/2024-05-01').then((res) => res));
    const responses = await Promise.all([...quotes, ...reports]);

    expect(responses.map((res) => res.status)).toEqual(Array(15).fill(200));
    expect(responses[0]!.body).toEqual({ symbol: 'SYM0', price: expect.any(Number) });
    expect(responses[12]!.body).toMatchObject({ day: '2024-05-01', regions: expect.arrayContaining([expect.objectContaining({ region: 'north' })]) });
    const stats: UpstreamStats = (await request(server).get('/upstream').expect(200)).body;
    expect(stats).toMatchObject({ limit: 4, calls: 12 + 3 * 4, rejected: 0 });
    expect(stats.peak).toBeLessThanOrEqual(4);
  });

  it('reports pool health and shows the pools in the observer', async () => {
    const server = (await start()).getHttpServer();
    const { body } = await request(server).get('/health').expect(200);
    expect(body).toMatchObject({
      status: 'ok',
      info: {
        quotes: { status: 'up', state: 'ready', workers: 2 },
        reports: { status: 'up', state: 'ready', workers: 1 },
        hash: { status: 'up', state: 'ready', workers: 2 },
      },
    });
    const observed = await request(server).get('/pool-observer').expect(200);
    expect(observed.body.pools.map((pool: { name: string }) => pool.name)).toEqual(['quotes', 'reports', 'hash']);
  });

  it('answers 503 with Retry-After when no upstream session frees up in time', async () => {
    const started = await start();
    const pool = started.get(PoolRegistry).get<UpstreamClient>('quotes');
    const held = [await pool.checkout(), await pool.checkout(), await pool.checkout()];
    const response = await request(started.getHttpServer()).get('/quotes/acme');
    held.forEach((lease) => lease.release());
    expect(response.status).toBe(503);
    expect(response.headers['retry-after']).toBe('1');
    expect(response.body).toMatchObject({ pool: 'quotes', reason: 'timeout' });
  });

  it('closes every upstream session when the application shuts down', async () => {
    const started = await start();
    const upstream = started.get(RateLimitedUpstream);
    await request(started.getHttpServer()).get('/quotes/acme').expect(200);
    expect(upstream.stats().openSessions).toBe(3);

    await started.close();
    app = undefined;

    expect(upstream.stats().openSessions).toBe(0);
  });

  it('hashes in a thread of the hash pool: GET /hash/:input, with rounds from the query or the default', async () => {
    const server = (await start()).getHttpServer();

    const { body } = await request(server).get('/hash/abc?rounds=3').expect(200);
    expect(body).toEqual({ input: 'abc', rounds: 3, sha256: stretch('abc', 3), worker: expect.any(Number), threadId: expect.any(Number) });
    expect(body.threadId).not.toBe(threadId); // not this thread
    const { body: byDefault } = await request(server).get('/hash/hello%20world').expect(200);
    expect(byDefault).toMatchObject({ input: 'hello world', rounds: DEFAULT_ROUNDS, sha256: stretch('hello world', DEFAULT_ROUNDS) });
    await request(server).get('/hash/abc?rounds=0').expect(400);
    await request(server).get(`/hash/abc?rounds=${MAX_ROUNDS + 1}`).expect(400);
    await request(server).get('/hash/abc?rounds=many').expect(400);
  });

  it('kills the thread of a client that leaves mid-hash: the pool replaces it', async () => {
    const started = await start(true);
    const pool = started.get(PoolRegistry).get('hash') as ThreadPool;
    const exited = once(pool, 'workerExit');
    const replaced = once(pool, 'workerStart');
    // Resolves once the handler has handed the job to its thread (its signal is watched from then on).
    const run = RemoteWorker.prototype.run;
    const hashing = new Promise<RemoteWorker>((resolve) => {
      jest.spyOn(RemoteWorker.prototype, 'run').mockImplementation(function (this: RemoteWorker, ...args: Parameters<typeof run>) {
        const call = run.apply(this, args);
        resolve(this);
        return call;
      });
    });
    try {
      const client = http.get(`${await started.getUrl()}/hash/abc?rounds=${MAX_ROUNDS}`);
      client.on('error', () => undefined); // destroyed on purpose
      const worker = await hashing;
      client.destroy();

      const [workerId, reason, error] = await exited;
      expect([workerId, reason]).toEqual([worker.id, 'exited']);
      expect((error as Error).message).toMatch(/terminated because call "default" was aborted/);
      await worker.closed;
      await replaced;
      expect(pool.status()).toMatchObject({ workers: 2, idle: 2, restarts: 1 });
    } finally {
      jest.restoreAllMocks();
    }
  });

  it('POST /hash/crash kills a thread; the pool replaces it, and /pools, /health and the observer show the restart', async () => {
    const started = await start();
    const server = started.getHttpServer();
    const replaced = once(started.get(PoolRegistry).get('hash'), 'workerStart');

    const { body: crash } = await request(server).post('/hash/crash').expect(200);
    expect(crash).toEqual({
      worker: expect.any(Number),
      threadId: expect.any(Number),
      exitCode: 1,
      error: `Pool "hash": worker ${crash.worker} exited: thread ${crash.threadId} crashed on purpose`,
    });
    await replaced;

    const { body: pools } = await request(server).get('/pools').expect(200);
    expect(pools).toContainEqual(expect.objectContaining({ name: 'hash', state: 'ready', workers: 2, restarts: 1 }));
    const { body: health } = await request(server).get('/health').expect(200);
    expect(health.info.hash).toMatchObject({ status: 'up', workers: 2, restarts: 1 });
    const { body: observed } = await request(server).get('/pool-observer').expect(200);
    const hash = observed.pools.find((pool: { name: string }) => pool.name === 'hash');
    expect(hash).toMatchObject({ restarts: 1, workers: 2 });
    expect(hash.workerStates).toContainEqual({ id: crash.worker, state: 'dead', reason: 'exited' });
    await request(server).get('/hash/abc?rounds=1').expect(200);
  });

  it('fails the hash pool on a crash loop (a 4th restart within 10 s): /health is down and /hash answers 503', async () => {
    const started = await start();
    const server = started.getHttpServer();
    const pool = started.get(PoolRegistry).get('hash');

    for (let crash = 1; crash <= 3; crash++) {
      const replaced = once(pool, 'workerStart');
      await request(server).post('/hash/crash').expect(200);
      await replaced;
    }
    expect(pool.status()).toMatchObject({ state: 'ready', workers: 2, restarts: 3 });
    await request(server).post('/hash/crash').expect(200);

    const { body: refused } = await request(server).get('/hash/abc').expect(503);
    expect(refused).toMatchObject({ pool: 'hash', reason: 'pool-failed' });
    expect(refused.message).toMatch(/^Pool "hash" failed: more than 3 restarts within 10000 ms/);
    const { body: health } = await request(server).get('/health').expect(503);
    expect(health.error.hash).toMatchObject({ status: 'down', state: 'failed', restarts: 4 });
    expect(health.info.quotes).toMatchObject({ status: 'up' }); // the other pools carry on
  });
});
