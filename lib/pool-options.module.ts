import { type DynamicModule, Global, Module, type ModuleMetadata, type Provider } from '@nestjs/common';
import { POOL_MODULE_OPTIONS } from './pool.constants.js';

/**
 * Holds forRoot's options in a global module of its own, so `PoolCoreModule` and every feature
 * pool see them, whether or not the pools declared in forRoot are global.
 */
@Global()
@Module({})
export class PoolOptionsModule {
  static register(providers: Provider[], imports: ModuleMetadata['imports'] = []): DynamicModule {
    return { module: PoolOptionsModule, imports, providers, exports: [POOL_MODULE_OPTIONS] };
  }
}
