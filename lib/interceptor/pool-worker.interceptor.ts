import {
  Injectable,
  Optional,
  type CallHandler,
  type ExecutionContext,
  type NestInterceptor,
} from '@nestjs/common';
import { HttpAdapterHost, Reflector } from '@nestjs/core';
import { Observable, type Subscription } from 'rxjs';
import { PoolRegistry, type Lease } from '../core/index.js';
import { monitorResponse } from './client-monitor.js';
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
    const http = context.getType() === 'http' ? context.switchToHttp() : undefined;

    return new Observable<unknown>((subscriber) => {
      const client = new AbortController();
      let lease: Lease<unknown> | undefined;
      let handler: Subscription | undefined;
      let handlerSettled = false;
      let responseOver = http === undefined;
      const releaseWhenDone = (): void => {
        if (lease !== undefined && handlerSettled && responseOver) lease.release();
      };
      const stopMonitoring = http
        ? monitorResponse(http.getRequest(), http.getResponse(), {
            clientGone: () => client.abort(new Error('The client closed the connection')),
            responseOver: () => {
              responseOver = true;
              releaseWhenDone();
            },
          })
        : undefined;

      pool.checkout({ signal: client.signal, timeout: options.timeout, block: options.block }).then(
        (granted) => {
          lease = granted;
          if (subscriber.closed) {
            // Torn down while the grant was on its way: return the worker at once.
            handlerSettled = responseOver = true;
            return releaseWhenDone();
          }
          bindLease(context, granted);
          handler = next.handle().subscribe({
            next: (value) => subscriber.next(value),
            error: (error: unknown) => {
              handlerSettled = true;
              releaseWhenDone();
              subscriber.error(error);
            },
            complete: () => {
              handlerSettled = true;
              releaseWhenDone();
              subscriber.complete();
            },
          });
        },
        (error: unknown) => {
          stopMonitoring?.();
          subscriber.error(this.#httpError(error, http?.getResponse(), options));
        },
      );

      return () => {
        handler?.unsubscribe();
        if (lease === undefined) client.abort(new Error('The call was cancelled while waiting for a worker'));
        handlerSettled = true;
        releaseWhenDone();
      };
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

  /** Over HTTP, pool errors become a 503 with `Retry-After`; elsewhere the pool's own error is thrown. */
  #httpError(error: unknown, response: unknown, options: UsePoolWorkerMetadata): unknown {
    if (response === undefined) return error;
    const unavailable = PoolUnavailableException.from(error);
    if (unavailable === undefined) return error;
    this.adapterHost?.httpAdapter?.setHeader(response, 'Retry-After', String(options.retryAfter ?? 1));
    return unavailable;
  }
}
