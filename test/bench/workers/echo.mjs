import { parentPort } from 'node:worker_threads';
import increment, { hash } from './tasks.mjs';

/** The postMessage floor's thread: answers `{ id, method, arg }` with `{ id, value }`, nothing more. */
const tasks = { default: increment, hash };
parentPort.on('message', ({ id, method, arg }) => parentPort.postMessage({ id, value: tasks[method](arg) }));
