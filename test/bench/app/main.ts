import 'reflect-metadata';
import type { AddressInfo } from 'node:net';
import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { BenchAppModule } from './bench-app.module.js';

/**
 * The app of scenario 6, forked by the bench with an IPC channel: `node main.js express|fastify`
 * listens on a free loopback port, sends `{ port }`, answers `'cpu'` with its CPU time so far
 * (`process.cpuUsage()`), and closes when the bench disconnects.
 */
async function bootstrap(platform: string | undefined): Promise<void> {
  let app: INestApplication;
  if (platform === 'express') {
    app = await NestFactory.create(BenchAppModule, { logger: false });
  } else if (platform === 'fastify') {
    const { FastifyAdapter } = await import('@nestjs/platform-fastify');
    app = await NestFactory.create(BenchAppModule, new FastifyAdapter(), { logger: false });
  } else {
    throw new Error(`usage: main.js express|fastify (got ${String(platform)})`);
  }
  await app.listen(0, '127.0.0.1');
  const { port } = (app.getHttpServer() as { address(): AddressInfo }).address();
  if (process.send === undefined) throw new Error('main.js must be forked with an IPC channel');
  process.send({ port });
  process.on('message', (message) => {
    if (message === 'cpu') process.send!({ cpu: process.cpuUsage() });
  });
  process.once('disconnect', () => void app.close().finally(() => process.exit(0)));
}

bootstrap(process.argv[2]).catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
