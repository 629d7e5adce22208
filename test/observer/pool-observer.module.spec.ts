import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { Global, Injectable, Module, type CanActivate, type ExecutionContext, type INestApplication } from '@nestjs/common';
import type { AbstractHttpAdapter } from '@nestjs/core';
import { ExpressAdapter } from '@nestjs/platform-express';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import { once } from 'node:events';
import http, { type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { getPoolToken, PoolModule, PoolRegistry, type Lease, type Pool, type WorkerContext } from 'nestjs-pool';
import {
  PoolObserver,
  PoolObserverModule,
  type PoolObserverOptions,
  type PoolObserverSnapshot,
  type PoolObserverUpdate,
} from 'nestjs-pool/observer';

interface SseMessage {
  type: string;
  data: any;
}

/** Reads an SSE response message by message. */
function readEvents(response: Response) {
  const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  const pending: SseMessage[] = [];
  const parse = (frame: string): SseMessage | undefined => {
    let type = 'message';
    let data = '';
    for (const line of frame.split('\n')) {
      if (line.startsWith('event: ')) type = line.slice(7);
      else if (line.startsWith('data: ')) data += line.slice(6);
    }
    return data === '' ? undefined : { type, data: JSON.parse(data) };
  };
  return {
    /** The next message that matches, skipping the others; undefined once the stream ended. */
    async next(match: (message: SseMessage) => boolean = () => true): Promise<SseMessage | undefined> {
      for (;;) {
        const message = pending.shift();
        if (message !== undefined) {
          if (match(message)) return message;
          continue;
        }
        const { value, done } = await reader.read();
        if (done) return undefined;
        buffer += value;
        let end: number;
        while ((end = buffer.indexOf('\n\n')) !== -1) {
          const parsed = parse(buffer.slice(0, end));
          buffer = buffer.slice(end + 2);
          if (parsed !== undefined) pending.push(parsed);
        }
      }
    },
  };
}

@Injectable()
class HeaderGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<{ headers: Record<string, string | undefined> }>();
    return request.headers['x-observer-token'] === 'let-me-see';
  }
}

describe.each([
  ['Express', () => new ExpressAdapter()],
  ['Fastify', () => new FastifyAdapter()],
] as [string, () => AbstractHttpAdapter][])('PoolObserverModule over %s', (_name, adapter) => {
  let app: INestApplication | undefined;
  let registry: PoolRegistry;
  let pool: Pool<number>;
  let base: string;
  const streams: AbortController[] = [];

  beforeEach(async () => {
    registry = new PoolRegistry();
    pool = await registry.start<number>({ name: 'db', size: 2, factory: { create: (ctx) => ctx.id } });
  });

  afterEach(async () => {
    for (const stream of streams.splice(0)) stream.abort();
    await app?.close();
    app = undefined;
    await registry.stopAll({ timeout: 0 });
  });

  async function serve(options: PoolObserverOptions): Promise<void> {
    @Global()
    @Module({ providers: [{ provide: PoolRegistry, useValue: registry }], exports: [PoolRegistry] })
    class RegistryModule {}

    const moduleRef = await Test.createTestingModule({ imports: [RegistryModule, PoolObserverModule.forRoot(options)] }).compile();
    app = moduleRef.createNestApplication(adapter(), { logger: false });
    await app.listen(0, '127.0.0.1');
    base = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
  }

  function open(path: string, headers: Record<string, string> = {}): Promise<Response> {
    const stream = new AbortController();
    streams.push(stream);
    return fetch(`${base}${path}`, { headers, signal: stream.signal });
  }

  it('serves nothing unless enabled', async () => {
    await serve({});
    for (const path of ['/pool-observer', '/pool-observer/events', '/pool-observer/ui']) {
      expect((await fetch(`${base}${path}`)).status).toBe(404);
    }
  });

  it('GET {path} answers the status of every pool', async () => {
    await serve({ enabled: true, path: 'ops/pools' });
    const lease = await pool.checkout();
    const response = await fetch(`${base}/ops/pools`);
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('no-store');
    const body = (await response.json()) as PoolObserverSnapshot;
    expect(body.pools).toEqual([
      expect.objectContaining({
        name: 'db',
        state: 'ready',
        size: 2,
        workers: 2,
        idle: 1,
        busy: 1,
        // started before the observer module: its workers are known all the same
        workerStates: [1, 2].map((id) => ({ id, state: id === lease.workerId ? 'busy' : 'idle' })),
      }),
    ]);
    lease.release();
  });

  it('GET {path}/events streams a snapshot, then the pool events as they happen', async () => {
    await serve({ enabled: true });
    const response = await open('/pool-observer/events');
    expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const events = readEvents(response);
    const snapshot = await events.next();
    expect(snapshot).toMatchObject({ type: 'snapshot', data: { pools: [{ name: 'db', workers: 2 }] } });

    const lease = await pool.checkout();
    const busy = (await events.next((m) => m.type === 'update'))!.data as PoolObserverUpdate;
    expect(busy.pools[0]!.events).toEqual([{ type: 'checkout', at: expect.any(Number), workerId: lease.workerId, waited: 0 }]);
    expect(busy.pools[0]!.pool.workerStates).toContainEqual({ id: lease.workerId, state: 'busy' });

    lease.release();
    const idle = (await events.next((m) => m.type === 'update'))!.data as PoolObserverUpdate;
    expect(idle.pools[0]!.events).toEqual([{ type: 'checkin', at: expect.any(Number), workerId: lease.workerId }]);
    expect(idle.pools[0]!.pool.workerStates).toContainEqual({ id: lease.workerId, state: 'idle' });
  });

  it('GET {path}/ui is one self-contained page that runs only its own inline code', async () => {
    await serve({ enabled: true });
    const response = await fetch(`${base}/pool-observer/ui`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/html; charset=utf-8/);
    const policy = response.headers.get('content-security-policy')!;
    expect(policy).toMatch(/default-src 'none'; script-src 'sha256-[A-Za-z0-9+/=]+'; style-src 'sha256-[A-Za-z0-9+/=]+'; connect-src 'self'/);
    const html = await response.text();
    expect(html).toContain('<main id="pools">');
    expect(html).not.toMatch(/<script[^>]+src=|<link[^>]+stylesheet|@import|url\(/);
    expect(html.match(/https?:\/\/[^'"\s]+/g) ?? []).toEqual(['http://www.w3.org/2000/svg']); // an XML namespace, never fetched
  });

  it('ends an open stream at shutdown and closes its connection, so the server closes at once', async () => {
    await serve({ enabled: true });
    // Were the connection left idle, close() would wait for this timeout, far past the test's.
    (app!.getHttpServer() as Server).keepAliveTimeout = 10 * 60_000;
    const agent = new http.Agent({ keepAlive: true });
    const response = await new Promise<IncomingMessage>((resolve) => http.get(`${base}/pool-observer/events`, { agent }, resolve));
    let body = '';
    response.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
    const ended = once(response, 'end');
    await once(response, 'data');

    await app!.close();
    app = undefined;
    await ended;
    expect(body).toContain('event: snapshot');
    agent.destroy();
  });

  it('applies the guards to every route', async () => {
    await serve({ enabled: true, guards: [HeaderGuard] });
    for (const path of ['/pool-observer', '/pool-observer/events', '/pool-observer/ui']) {
      expect((await open(path)).status).toBe(403);
    }
    const allowed = { 'x-observer-token': 'let-me-see' };
    expect((await open('/pool-observer', allowed)).status).toBe(200);
    expect((await open('/pool-observer/ui', allowed)).status).toBe(200);
    expect(await readEvents(await open('/pool-observer/events', allowed)).next()).toMatchObject({ type: 'snapshot' });
  });
});

describe('PoolObserverModule next to PoolModule', () => {
  it('knows by id the workers of a forFeatureAsync pool, started while the application boots', async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [
        PoolObserverModule.forRoot({ enabled: true }),
        PoolModule.forFeatureAsync([{ name: 'reports', useFactory: async () => ({ size: 2, factory: { create: (ctx: WorkerContext) => ctx.id } }) }]),
      ],
    }).compile();
    const app = await moduleRef.createNestApplication({ logger: false }).init();
    let lease: Lease<number> | undefined;
    let snapshot: PoolObserverSnapshot;
    try {
      lease = await app.get<Pool<number>>(getPoolToken('reports')).checkout();
      snapshot = app.get(PoolObserver).snapshot();
    } finally {
      lease?.release();
      await app.close();
    }
    expect(snapshot.pools).toEqual([
      expect.objectContaining({
        name: 'reports',
        workerStates: [1, 2].map((id) => ({ id, state: id === lease!.workerId ? 'busy' : 'idle' })),
      }),
    ]);
  });
});

describe('PoolObserverModule.forRoot', () => {
  it('rejects bad options with an error naming the option', () => {
    expect(() => PoolObserverModule.forRoot({ enabled: 'yes' as unknown as boolean })).toThrow(
      'PoolObserverModule.forRoot: option "enabled" must be a boolean, got yes',
    );
    expect(() => PoolObserverModule.forRoot({ enabled: true, path: '/' })).toThrow('option "path" must be a non-empty route path, got "/"');
    expect(() => PoolObserverModule.forRoot({ enabled: true, guards: [42 as unknown as CanActivate] })).toThrow(
      'option "guards" must be an array of guard classes or instances',
    );
  });
});
