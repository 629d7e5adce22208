import type { InjectionToken, ModuleMetadata, OptionalFactoryDependency, Type } from '@nestjs/common';
import type { PoolDefaults, PoolDefinition } from './pool-definition.interface.js';

/** Configuration shared by every pool of the application. */
export interface PoolModuleOptions {
  /** Pools to start with the application. */
  pools?: PoolDefinition[];
  /** Engine options applied to every pool (`forFeature` ones too) unless the pool sets its own. */
  defaults?: PoolDefaults;
  /**
   * On shutdown, how long pools wait for leases and queued checkouts already in flight before
   * their workers are destroyed, in ms. Default 5000.
   */
  shutdownTimeout?: number;
}

/** `PoolModule.forRoot` options. */
export interface PoolModuleRootOptions extends PoolModuleOptions {
  /** Make the pools declared here injectable in every module. Default false. */
  isGlobal?: boolean;
}

export interface PoolOptionsFactory {
  createPoolOptions(): PoolModuleOptions | Promise<PoolModuleOptions>;
}

/**
 * `PoolModule.forRootAsync` options. Pools the factory returns are started and registered in
 * `PoolRegistry`, but their names are not known when modules are built, so they cannot be
 * injected with `@InjectPool`: declare those with `forFeatureAsync`.
 */
export interface PoolModuleAsyncOptions {
  imports?: ModuleMetadata['imports'];
  inject?: (InjectionToken | OptionalFactoryDependency)[];
  useFactory?: (...args: any[]) => PoolModuleOptions | Promise<PoolModuleOptions>;
  useClass?: Type<PoolOptionsFactory>;
  useExisting?: Type<PoolOptionsFactory>;
}
