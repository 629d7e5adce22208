import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { AppModule } from './app.module.js';
import { AppConfig } from './config/app-config.js';

async function bootstrap(): Promise<void> {
  // Pools start while the app initialises: it listens only once every worker is up.
  // forceCloseConnections: idle keep-alive and observer (SSE) connections do not hold the exit.
  const app = await NestFactory.create(AppModule, { forceCloseConnections: true });
  // On SIGTERM / SIGINT: requests in flight finish, new checkouts are refused, pools drain,
  // then the process exits 0 (without useProcessExit Nest re-raises the signal: exit code 143).
  app.enableShutdownHooks([], { useProcessExit: true });
  await app.listen(app.get(AppConfig).port);
  Logger.log(`Listening on ${await app.getUrl()}`, 'Sample');
}

void bootstrap();
