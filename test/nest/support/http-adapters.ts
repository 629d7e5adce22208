import type { INestApplication } from '@nestjs/common';
import type { AbstractHttpAdapter } from '@nestjs/core';
import { ExpressAdapter } from '@nestjs/platform-express';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import type { TestingModule } from '@nestjs/testing';

/** A fresh adapter per application: an adapter instance serves one app only. */
export const HTTP_ADAPTERS: [string, () => AbstractHttpAdapter][] = [
  ['Express', () => new ExpressAdapter()],
  ['Fastify', () => new FastifyAdapter()],
];

/** Creates and initialises the app; Fastify also needs its plugins ready before requests. */
export async function initApp(moduleRef: TestingModule, adapter: () => AbstractHttpAdapter): Promise<INestApplication> {
  const app = moduleRef.createNestApplication(adapter());
  await app.init();
  await readyFastify(app);
  return app;
}

/** Like `initApp`, on a real port (`listen(0)`), for tests that need the server's close sequence. */
export async function listenApp(moduleRef: TestingModule, adapter: () => AbstractHttpAdapter): Promise<INestApplication> {
  const app = moduleRef.createNestApplication(adapter());
  await app.listen(0, '127.0.0.1');
  await readyFastify(app);
  return app;
}

async function readyFastify(app: INestApplication): Promise<void> {
  const instance = app.getHttpAdapter().getInstance() as { ready?: () => PromiseLike<unknown> };
  if (app.getHttpAdapter().getType() === 'fastify') await instance.ready!();
}
