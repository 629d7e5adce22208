import { afterEach, describe, expect, it } from '@jest/globals';
import type { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import request from 'supertest';
import { AppModule } from '../../sample/app.module.js';
import { AppConfig } from '../../sample/config/app-config.js';
import { PoolRegistry } from 'nestjs-pool';
import { RateLimitedUpstream, type UpstreamStats } from '../../sample/upstream/rate-limited-upstream.js';
import type { UpstreamClient } from '../../sample/upstream/upstream-client.worker.js';
import { HTTP_ADAPTERS, initApp } from './support/http-adapters.js';

const config: AppConfig = { port: 0, upstreamConcurrency: 4, upstreamLatencyMs: 5, reportWorkers: 1 };

describe.each(HTTP_ADAPTERS)('sample app on %s', (_, adapter) => {
  let app: INestApplication | undefined;

  afterEach(async () => {
    await app?.close();
    app = undefined;
  });

  async function start(): Promise<INestApplication> {
    const moduleRef = await Test.createTestingModule({ imports: [AppModule] }).overrideProvider(AppConfig).useValue(config).compile();
    app = await initApp(moduleRef, adapter);
    return app;
  }

  it('lists its pools, one from forRoot and one from forFeatureAsync with the configured size', async () => {
    const server = (await start()).getHttpServer();

    const { body } = await request(server).get('/pools').expect(200);
    expect(body).toEqual([
      expect.objectContaining({ name: 'quotes', state: 'ready', size: 2, maxOverflow: 1, workers: 2 }),
      expect.objectContaining({ name: 'reports', state: 'ready', size: 1, maxOverflow: 0, workers: 1 }),
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
      },
    });
    const observed = await request(server).get('/pool-observer').expect(200);
    expect(observed.body.pools.map((pool: { name: string }) => pool.name)).toEqual(['quotes', 'reports']);
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
});
