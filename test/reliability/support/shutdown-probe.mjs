// Preloaded into the sample's process (`node --import`) by the shutdown test; it changes nothing
// the app does. It reports, one `PROBE {json}` line on stdout each (written synchronously, so a
// line is out before the process ends), every pool's worker starts, exits and state changes,
// every upstream session opened and closed, and how the process ends.
import { writeSync } from 'node:fs';
import { PoolRegistry } from 'nestjs-pool';
import { RateLimitedUpstream } from '../../../dist-sample/upstream/rate-limited-upstream.js';

const report = (event) => writeSync(1, `PROBE ${JSON.stringify(event)}\n`);

const register = PoolRegistry.prototype.register;
PoolRegistry.prototype.register = function (pool) {
  pool.on('workerStart', (id) => report({ pool: pool.name, event: 'workerStart', id }));
  pool.on('workerExit', (id, reason) => report({ pool: pool.name, event: 'workerExit', id, reason }));
  pool.on('stateChange', (state) => report({ pool: pool.name, event: 'state', state }));
  return register.call(this, pool);
};

const openSession = RateLimitedUpstream.prototype.openSession;
RateLimitedUpstream.prototype.openSession = async function (...args) {
  const session = await openSession.apply(this, args);
  report({ event: 'openSession', session });
  return session;
};
const closeSession = RateLimitedUpstream.prototype.closeSession;
RateLimitedUpstream.prototype.closeSession = function (session) {
  report({ event: 'closeSession', session });
  return closeSession.call(this, session);
};

// The sample's shutdown hook ends with process.exit(0) (`useProcessExit`): the shutdown completed.
process.on('exit', (code) => report({ event: 'exit', code }));
