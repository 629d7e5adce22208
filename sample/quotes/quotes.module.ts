import { Module } from '@nestjs/common';
import { QuotesController } from './quotes.controller.js';

/** Uses the "quotes" pool declared in AppModule's `PoolModule.forRoot({ isGlobal: true })`. */
@Module({ controllers: [QuotesController] })
export class QuotesModule {}
