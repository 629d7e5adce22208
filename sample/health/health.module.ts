import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { PoolHealthIndicator } from 'nestjs-pool/terminus';
import { HealthController } from './health.controller.js';

@Module({ imports: [TerminusModule], controllers: [HealthController], providers: [PoolHealthIndicator] })
export class HealthModule {}
