import { startApp } from './http-app.mjs';

/** GET /pooled: the handler with @UsePoolWorker (a worker of a pool of instant resources). */
export function create({ platform }) {
  return startApp(platform, '/pooled');
}
