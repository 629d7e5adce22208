import {
  Injectable,
  Optional,
  type CallHandler,
  type ExecutionContext,
  type NestInterceptor,
} from '@nestjs/common';
import { HttpAdapterHost, Reflector } from '@nestjs/core';
import { Observable, type Observer, type Subscriber, type Subscription } from 'rxjs';
import { PoolRegistry, type Lease, type Pool } from '../core/index.js';
import { ResponseMonitor, type ResponseEvents } from './client-monitor.js';
import { bindLease } from './lease-carrier.js';
import { USE_POOL_WORKER_METADATA } from './pool-worker.constants.js';
import { PoolUnavailableException } from './pool-unavailable.exception.js';
import type { UsePoolWorkerMetadata } from './use-pool-worker-options.interface.js';

/**
 * Checks a worker out around a handler, with the request as the client the pool monitors:
 * a client that leaves while queued leaves the queue; one that leaves mid-handler aborts
 * `lease.signal`. The worker comes back exactly once, when the handler has settled (value,
 * error, Observable complete/error/unsubscribed) and, over HTTP, the response is over too, so
 * a streamed body (StreamableFile, a piped stream, SSE) keeps its worker until it is sent.
 */
@Injectable()
export class PoolWorkerInterceptor implements NestInterceptor {
  readonly #metadata = new WeakMap<object, UsePoolWorkerMetadata>();

  constructor(
    private readonly reflector: Reflector,
    private readonly registry: PoolRegistry,
    @Optional() private readonly adapterHost?: HttpAdapterHost,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const options = this.#options(context);
    const pool = this.registry.get(options.name);
    return new Observable<unknown>((subscriber) => {
      const call = new PoolWorkerCall(pool, context, next, subscriber, options, this.adapterHost);
      call.start();
      return () => call.cancel();
    });
  }

  #options(context: ExecutionContext): UsePoolWorkerMetadata {
    const handler = context.getHandler();
    let options = this.#metadata.get(handler);
    if (options === undefined) {
      options = this.reflector.getAllAndOverride<UsePoolWorkerMetadata>(USE_POOL_WORKER_METADATA, [
        handler,
        context.getClass(),
      ]);
      this.#metadata.set(handler, options);
    }
    return options;
  }
}

/**
 * Client controllers of calls that ended cleanly, for the next calls to the same pool: Node makes
 * an AbortSignal slowly (a fifth of what a Fastify request costs, collection included). Only a
 * call that got its worker, gave it back, was never aborted and whose response ended (or that has
 * none) gives its controller back: nothing of that call can abort it any more, and its lease let
 * go of the signal at checkin. A pool may still listen to it (the call had queued: the pool drops
 * such listeners lazily), but a pool keeps one listener per signal and acts only for checkouts
 * queued with it, so the signal's next holder in that pool is the only one it can concern.
 */
const spareClients = new WeakMap<Pool<unknown>, AbortController[]>();
const MAX_SPARE_CLIENTS = 256;

/**
 * One intercepted call: its checkout, the handler it runs, and the one checkin. A single object
 * per call (the handler's observer and the response's listener too) instead of a closure per
 * callback: this runs on every request.
 */
class PoolWorkerCall implements Observer<unknown>, ResponseEvents {
  readonly #pool: Pool<unknown>;
  readonly #spares: AbortController[];
  readonly #context: ExecutionContext;
  readonly #callHandler: CallHandler;
  readonly #subscriber: Subscriber<unknown>;
  readonly #options: UsePoolWorkerMetadata;
  readonly #adapterHost: HttpAdapterHost | undefined;
  readonly #client: AbortController;
  readonly #response: unknown;
  readonly #monitor: ResponseMonitor | undefined;
  #lease: Lease<unknown> | undefined = undefined;
  #handler: Subscription | undefined = undefined;
  #handlerSettled = false;
  #responseOver: boolean;
  /** The response ended, as its monitor saw it (not merely taken as over): no clientGone can follow. */
  #monitorEnded = false;
  #released = false;

  constructor(
    pool: Pool<unknown>,
    context: ExecutionContext,
    callHandler: CallHandler,
    subscriber: Subscriber<unknown>,
    options: UsePoolWorkerMetadata,
    adapterHost: HttpAdapterHost | undefined,
  ) {
    this.#pool = pool;
    let spares = spareClients.get(pool);
    if (spares === undefined) spareClients.set(pool, (spares = []));
    this.#spares = spares;
    this.#client = spares.pop() ?? new AbortController();
    this.#context = context;
    this.#callHandler = callHandler;
    this.#subscriber = subscriber;
    this.#options = options;
    this.#adapterHost = adapterHost;
    // By index: `switchToHttp()` allocates three closures per call; these are (request, response).
    const http = context.getType() === 'http';
    this.#response = http ? context.getArgByIndex(1) : undefined;
    this.#responseOver = !http;
    this.#monitor = http ? new ResponseMonitor(context.getArgByIndex(0), this.#response, this) : undefined;
  }

  start(): void {
    const { timeout, block } = this.#options;
    this.#pool.checkout({ signal: this.#client.signal, timeout, block }).then(
      (lease) => this.#granted(lease),
      (error: unknown) => this.#refused(error),
    );
  }

  /** The subscriber's teardown: after the handler settled, or when Nest unsubscribes. */
  cancel(): void {
    this.#handler?.unsubscribe();
    if (this.#lease === undefined) this.#client.abort(new Error('The call was cancelled while waiting for a worker'));
    this.#handlerSettled = true;
    this.#releaseWhenDone();
  }

  // The handler's observer.
  next(value: unknown): void {
    this.#subscriber.next(value);
  }

  error(error: unknown): void {
    this.#handlerSettled = true;
    this.#releaseWhenDone();
    this.#subscriber.error(error);
  }

  complete(): void {
    this.#handlerSettled = true;
    this.#releaseWhenDone();
    this.#subscriber.complete();
  }

  // The response's events.
  clientGone(): void {
    this.#client.abort(new Error('The client closed the connection'));
  }

  responseOver(): void {
    this.#responseOver = this.#monitorEnded = true;
    this.#releaseWhenDone();
  }

  #granted(lease: Lease<unknown>): void {
    this.#lease = lease;
    if (this.#subscriber.closed) {
      // Torn down while the grant was on its way: return the worker at once.
      this.#handlerSettled = this.#responseOver = true;
      return this.#releaseWhenDone();
    }
    bindLease(this.#context, lease);
    this.#handler = this.#callHandler.handle().subscribe(this);
  }

  #refused(error: unknown): void {
    this.#monitor?.stop();
    this.#subscriber.error(this.#httpError(error));
  }

  #releaseWhenDone(): void {
    if (this.#released || this.#lease === undefined || !this.#handlerSettled || !this.#responseOver) return;
    this.#released = true;
    this.#lease.release();
    const clean = !this.#client.signal.aborted && (this.#monitor === undefined || this.#monitorEnded);
    if (clean && this.#spares.length < MAX_SPARE_CLIENTS) this.#spares.push(this.#client);
  }

  /** Over HTTP, pool errors become a 503 with `Retry-After`; elsewhere the pool's own error is thrown. */
  #httpError(error: unknown): unknown {
    if (this.#response === undefined) return error;
    const unavailable = PoolUnavailableException.from(error);
    if (unavailable === undefined) return error;
    this.#adapterHost?.httpAdapter?.setHeader(this.#response, 'Retry-After', String(this.#options.retryAfter ?? 1));
    return unavailable;
  }
}
