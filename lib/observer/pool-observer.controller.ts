import { Controller, Get, Header, Res, Sse, UseGuards, type CanActivate, type MessageEvent, type Type } from '@nestjs/common';
import type { ServerResponse } from 'node:http';
import { tap, type Observable } from 'rxjs';
import type { PoolObserverSnapshot } from './observed-pool.interface.js';
import { POOL_OBSERVER_CSP, POOL_OBSERVER_PAGE } from './pool-observer.page.js';
import { PoolObserver } from './pool-observer.service.js';

/** The observer's routes under `path`; a class per `forRoot`, since a route's path is fixed when its class is decorated. */
export function createPoolObserverController(path: string, guards: (CanActivate | Type<CanActivate>)[]): Type<unknown> {
  @Controller(path)
  class PoolObserverController {
    constructor(private readonly observer: PoolObserver) {}

    @Get()
    @Header('Cache-Control', 'no-store')
    status(): PoolObserverSnapshot {
      return this.observer.snapshot();
    }

    @Sse('events')
    events(@Res({ passthrough: true }) response: object): Observable<MessageEvent> {
      return this.observer.stream().pipe(tap({ complete: () => closeConnectionAfter(response) }));
    }

    @Get('ui')
    @Header('Content-Type', 'text/html; charset=utf-8')
    @Header('Content-Security-Policy', POOL_OBSERVER_CSP)
    @Header('X-Content-Type-Options', 'nosniff')
    @Header('Cache-Control', 'no-store')
    ui(): string {
      return POOL_OBSERVER_PAGE;
    }
  }
  if (guards.length > 0) UseGuards(...guards)(PoolObserverController);
  return PoolObserverController;
}

/**
 * A stream ends on the server's side only at shutdown. Its keep-alive connection would then
 * idle until the keep-alive timeout and hold the HTTP server's closing: close it once the
 * response is sent. (Express and Fastify alike: `raw` is Node's own response.)
 */
function closeConnectionAfter(response: object): void {
  const raw = (response as { raw?: ServerResponse }).raw ?? (response as ServerResponse);
  const socket = raw.socket;
  if (socket !== null) raw.once('finish', () => socket.end());
}
