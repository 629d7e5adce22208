import { startApp } from './http-app.mjs';

/** GET /interceptor: the same handler behind a pass-through interceptor (what any interceptor costs in Nest). */
export function create({ platform }) {
  return startApp(platform, '/interceptor');
}
