import { Controller, Get, Module } from '@nestjs/common';
import { Pool } from 'nestjs-pool';

@Controller()
class AppController {
  @Get('pools')
  pools(): string {
    return Pool.name;
  }
}

@Module({ controllers: [AppController] })
export class AppModule {}
