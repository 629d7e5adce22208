import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { Controller, Get, Global, INestApplication, Module, Sse, StreamableFile, type MessageEvent } from '@nestjs/common';
import type { AbstractHttpAdapter } from '@nestjs/core';
import { ExpressAdapter } from '@nestjs/platform-express';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { PassThrough } from 'node:stream';
import { interval, map, take, type Observable } from 'rxjs';
import { Pool, PoolLease, PoolRegistry, PoolWorker, UsePoolWorker, type Lease } from 'nestjs-pool';

interface Worker {
  id: number;
  calls: number;
}

/** Lets a test hold a handler open until it says so. */
class Gate {
  #open!: () => void;
  readonly opened = new Promise<void>((resolve) => (this.#open = resolve));
  open(): void {
    this.#open();
  }
}

const state = {
  gate: new Gate(),
  active: 0,
  maxActive: 0,
  aborted: [] as unknown[],
  body: undefined as PassThrough | undefined,
};

@Controller()
@UsePoolWorker('one', { timeout: 2000 })
class WorkController {
  @Get('work')
  async work(@PoolWorker() worker: Worker): Promise<{ worker: number }> {
    state.active++;
    state.maxActive = Math.max(state.maxActive, state.active);
    worker.calls++;
    await new Promise((resolve) => setImmediate(resolve));
    state.active--;
    return { worker: worker.id };
  }

  @Get('hold')
  async hold(@PoolLease() lease: Lease<Worker>): Promise<string> {
    await Promise.race([state.gate.opened, once(lease.signal, 'abort')]);
    if (lease.signal.aborted) state.aborted.push(lease.signal.reason);
    return 'held';
  }

  @Get('throws')
  throws(): never {
    throw new Error('handler failed');
  }

  @Get('observable')
  observable(@PoolWorker() worker: Worker): Observable<number> {
    return interval(1).pipe(take(3), map((n) => n + worker.id));
  }

  @Sse('events')
  events(): Observable<MessageEvent> {
    return interval(1).pipe(take(3), map((n) => ({ data: { n } })));
  }

  @Get('file')
  file(): StreamableFile {
    state.body = new PassThrough();
    return new StreamableFile(state.body);
  }

  @Get('quick')
  @UsePoolWorker('one', { timeout: 0, retryAfter: 7 })
  quick(): string {
    return 'quick';
  }
}

describe.each([
  ['Express', () => new ExpressAdapter()],
  ['Fastify', () => new FastifyAdapter()],
] as [string, () => AbstractHttpAdapter][])('@UsePoolWorker over %s', (_name, adapter) => {
  let app: INestApplication;
  let pool: Pool<Worker>;
  let base: string;
  let checkins: number;

  beforeEach(async () => {
    state.gate = new Gate();
    state.active = state.maxActive = 0;
    state.aborted = [];
    const registry = new PoolRegistry();
    let id = 0;
    pool = await registry.start<Worker>({
      name: 'one',
      size: 1,
      maxOverflow: 0,
      factory: { create: () => ({ id: ++id, calls: 0 }) },
    });
    checkins = 0;
    pool.on('checkin', () => checkins++);

    @Global()
    @Module({ providers: [{ provide: PoolRegistry, useValue: registry }], exports: [PoolRegistry] })
    class RegistryModule {}

    const moduleRef = await Test.createTestingModule({ imports: [RegistryModule], controllers: [WorkController] }).compile();
    app = moduleRef.createNestApplication(adapter(), { logger: false });
    await app.listen(0, '127.0.0.1');
    base = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
  });

  afterEach(async () => {
    state.gate.open();
    state.body?.end();
    await app.close();
    await pool.stop({ timeout: 1000 });
  });

  /** The response may reach the client a moment before the server sees it closed: wait for the checkin. */
  async function expectIdle(): Promise<void> {
    if (pool.status().busy > 0) await once(pool, 'checkin');
    expect(pool.status()).toMatchObject({ busy: 0, waiting: 0, workers: 1 });
  }

  it('a pool of size 1 serves parallel requests one at a time, and every one answers', async () => {
    const answers = await Promise.all(Array.from({ length: 8 }, () => fetch(`${base}/work`).then((r) => r.json())));
    expect(answers).toEqual(Array.from({ length: 8 }, () => ({ worker: 1 })));
    expect(state.maxActive).toBe(1);
    await expectIdle();
    expect(checkins).toBe(8);
  });

  it('a client that disconnects while queued leaves the queue and consumes no worker', async () => {
    const holder = fetch(`${base}/hold`);
    await once(pool, 'checkout');
    const queued = http.get(`${base}/work`);
    queued.on('error', () => undefined);
    await once(pool, 'wait');
    expect(pool.status().waiting).toBe(1);
    const left = once(pool, 'abort');
    queued.destroy();
    await left;
    expect(pool.status().waiting).toBe(0);
    state.gate.open();
    expect(await (await holder).text()).toBe('held');
    expect(await (await fetch(`${base}/work`)).json()).toEqual({ worker: 1 });
    await expectIdle();
    expect(checkins).toBe(2);
  });

  /** Starts a request that holds a worker, hangs up once it has it, and waits for the checkin. */
  async function disconnectMidHandler(): Promise<void> {
    const request = http.get(`${base}/hold`);
    request.on('error', () => undefined);
    await once(pool, 'checkout');
    const returned = once(pool, 'checkin');
    request.destroy();
    await returned;
  }

  it('a client that disconnects mid-handler aborts lease.signal and the worker comes back', async () => {
    await disconnectMidHandler();
    expect(state.aborted).toHaveLength(1);
    expect(checkins).toBe(1);
    await expectIdle();
  });

  it('a handler that throws checks the worker in once', async () => {
    expect((await fetch(`${base}/throws`)).status).toBe(500);
    await expectIdle();
    expect(checkins).toBe(1);
  });

  it('an Observable handler checks in once, after it completes', async () => {
    const response = await fetch(`${base}/observable`);
    expect(await response.text()).toBe('3'); // the last value: 2 + worker 1
    await expectIdle();
    expect(checkins).toBe(1);
  });

  it('an SSE stream keeps its worker until the stream ends', async () => {
    const response = await fetch(`${base}/events`);
    const text = await response.text();
    expect(text.match(/data: /g)).toHaveLength(3);
    await expectIdle();
    expect(checkins).toBe(1);
  });

  it('a StreamableFile keeps its worker until the body is sent', async () => {
    state.body = undefined;
    const pending = fetch(`${base}/file`);
    const handlerBody = (): PassThrough | undefined => state.body;
    let body: PassThrough | undefined;
    while ((body = handlerBody()) === undefined) await new Promise((resolve) => setImmediate(resolve));
    body.write('streamed ');
    const response = await pending;
    expect(pool.status().busy).toBe(1); // the handler returned long ago; the body is still being sent
    const returned = once(pool, 'checkin');
    body.end('body');
    expect(await response.text()).toBe('streamed body');
    await returned;
    expect(checkins).toBe(1);
    await expectIdle();
  });

  it('no worker in time: 503 with Retry-After and a JSON body naming the pool and the reason', async () => {
    const holder = fetch(`${base}/hold`);
    await once(pool, 'checkout');
    const response = await fetch(`${base}/quick`);
    expect(response.status).toBe(503);
    expect(response.headers.get('retry-after')).toBe('7');
    expect(await response.json()).toMatchObject({ statusCode: 503, pool: 'one', reason: 'timeout' });
    state.gate.open();
    await holder;
    await expectIdle();
  });

  it('keep-alive: requests on one connection leave no listener behind on its socket', async () => {
    const sockets: import('node:net').Socket[] = [];
    app.getHttpServer().on('connection', (socket: import('node:net').Socket) => sockets.push(socket));
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    const get = () =>
      new Promise<void>((resolve, reject) =>
        http.get(`${base}/work`, { agent }, (res) => res.resume().on('end', resolve)).on('error', reject),
      );
    await get();
    const baseline = sockets[0]!.listenerCount('close');
    for (let i = 0; i < 30; i++) await get();
    expect(sockets).toHaveLength(1);
    expect(sockets[0]!.listenerCount('close')).toBe(baseline);
    agent.destroy();
    await expectIdle();
  });

  it('a client that leaves after its answer aborts no later request’s lease.signal', async () => {
    const sockets: import('node:net').Socket[] = [];
    app.getHttpServer().on('connection', (socket: import('node:net').Socket) => sockets.push(socket));
    const agent = new http.Agent({ keepAlive: true });
    await new Promise<void>((resolve, reject) =>
      http.get(`${base}/work`, { agent }, (res) => res.resume().on('end', resolve)).on('error', reject),
    );
    await expectIdle();
    const [answered] = sockets;
    const holder = fetch(`${base}/hold`);
    await once(pool, 'checkout');
    const closed = once(answered!, 'close');
    agent.destroy(); // the first client leaves while the second holds the worker
    await closed;
    state.gate.open();
    expect(await (await holder).text()).toBe('held');
    expect(state.aborted).toEqual([]);
    await expectIdle();
  });

  it('after calls that ended cleanly, a client that disconnects mid-handler still aborts lease.signal, and the next is served', async () => {
    for (let i = 0; i < 3; i++) expect(await (await fetch(`${base}/work`)).json()).toEqual({ worker: 1 });
    await expectIdle();
    await disconnectMidHandler();
    expect(state.aborted).toHaveLength(1);
    expect(await (await fetch(`${base}/work`)).json()).toEqual({ worker: 1 });
    await expectIdle();
  });

  it('while the pool shuts down: 503 shutting-down', async () => {
    await pool.stop({ timeout: 0 });
    const response = await fetch(`${base}/work`);
    expect(response.status).toBe(503);
    expect(await response.json()).toMatchObject({ pool: 'one', reason: 'shutting-down' });
  });
});
