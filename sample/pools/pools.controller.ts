import { Controller, Get } from '@nestjs/common';
import { PoolRegistry, type PoolStatus } from 'nestjs-pool';

@Controller('pools')
export class PoolsController {
  constructor(private readonly registry: PoolRegistry) {}

  /** Every pool of the application: declared in modules or started at run time. */
  @Get()
  list(): PoolStatus[] {
    return this.registry.list().map((pool) => pool.status());
  }
}
