import { startApp } from './http-app.mjs';

/** GET /bare: the same handler, bare. */
export function create({ platform }) {
  return startApp(platform, '/bare');
}
