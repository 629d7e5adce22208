import { Module, type DynamicModule } from '@nestjs/common';
import { DEFAULT_OBSERVER_PATH } from './pool-observer.constants.js';
import { createPoolObserverController } from './pool-observer.controller.js';
import type { PoolObserverOptions } from './pool-observer-options.interface.js';
import { PoolObserver } from './pool-observer.service.js';

/**
 * Erlang's Observer for pools: `GET {path}` the status of every pool, `GET {path}/events` a
 * Server-Sent Events stream of what happens to them, `GET {path}/ui` a page drawing them live.
 * Serves nothing unless `enabled`.
 */
@Module({})
export class PoolObserverModule {
  static forRoot(options: PoolObserverOptions = {}): DynamicModule {
    const { enabled = false, path = DEFAULT_OBSERVER_PATH, guards = [] } = assertOptions(options);
    if (!enabled) return { module: PoolObserverModule };
    return {
      module: PoolObserverModule,
      controllers: [createPoolObserverController(path, guards)],
      providers: [PoolObserver],
      exports: [PoolObserver],
    };
  }
}

function assertOptions(options: PoolObserverOptions): PoolObserverOptions {
  const fail = (problem: string): never => {
    throw new Error(`PoolObserverModule.forRoot: ${problem}`);
  };
  if (options === null || typeof options !== 'object') return fail('the options must be an object');
  const { enabled, path, guards } = options;
  if (enabled !== undefined && typeof enabled !== 'boolean') fail(`option "enabled" must be a boolean, got ${String(enabled)}`);
  if (path !== undefined && (typeof path !== 'string' || path.replace(/\//g, '') === '')) {
    fail(`option "path" must be a non-empty route path, got ${JSON.stringify(path)}`);
  }
  if (guards !== undefined) {
    const valid = (guard: unknown): boolean =>
      typeof guard === 'function' || (typeof guard === 'object' && guard !== null && typeof (guard as { canActivate?: unknown }).canActivate === 'function');
    if (!Array.isArray(guards) || !guards.every(valid)) fail('option "guards" must be an array of guard classes or instances');
  }
  return options;
}
