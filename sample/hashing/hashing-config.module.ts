import { Module } from '@nestjs/common';
import { HashingConfig } from './hashing-config.js';

@Module({ providers: [HashingConfig], exports: [HashingConfig] })
export class HashingConfigModule {}
