import { Module } from '@nestjs/common';
import { PoolsController } from './pools.controller.js';

/** `PoolRegistry` is global: any module can inject it. */
@Module({ controllers: [PoolsController] })
export class PoolsModule {}
