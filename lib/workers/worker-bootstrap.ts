import { DEFINE_WORKER_KEY } from './worker.constants.js';

/** First line of the bootstrap; a forked child finds (and removes) it in its `process.execArgv`. */
const MARKER = '/* nestjs-pool worker bootstrap */';

/**
 * The program a pool's thread (`new Worker(code, { eval: true })`) or child process
 * (`fork(modulePath, args, { execArgv: [..., '--eval', code] })`) runs: it imports the worker
 * module, installs `defineWorker`'s receiver, answers calls, and reports load errors and (in a
 * child) the uncaught error that kills it.
 *
 * Why a source string and not a file: it must run under plain Node, where this package may be
 * TypeScript (tests) or built JS; a string needs no file next to the compiled code and no loader.
 * It is CommonJS with a dynamic `import()`, which both `eval` forms accept. Keep it ES2022, with
 * no template literals (it is one).
 */
export function workerBootstrap(moduleUrl: string): string {
  return `${MARKER}
'use strict';
const { parentPort } = require('node:worker_threads');
const moduleUrl = ${JSON.stringify(moduleUrl)};
const send = parentPort === null
  ? (message) => process.send(message)
  : (message) => parentPort.postMessage(message);

if (parentPort === null) {
  // Processes this child forks inherit process.execArgv: they must run their own module, not this.
  const at = process.execArgv.findIndex((arg) => arg.startsWith(${JSON.stringify(MARKER)}));
  if (at > 0) process.execArgv.splice(at - 1, 2);
  // Without its channel (the pool's process died) a worker is useless: exit rather than linger.
  process.once('disconnect', () => process.exit());
  // The parent sees only the exit code; tell it the error first (a short message goes out at once).
  process.on('uncaughtExceptionMonitor', (error) => {
    try { send({ $pool: 'crash', error: toWire(error, true) }); } catch {}
  });
}

let functions;
let loading = true;
globalThis[Symbol.for(${JSON.stringify(DEFINE_WORKER_KEY)})] = (definition) => {
  if (!loading) throw new Error('defineWorker() must be called while the worker module loads');
  if (functions !== undefined) throw new Error('defineWorker() was called more than once');
  functions = definition;
};

import(moduleUrl)
  .then((namespace) => {
    loading = false;
    functions ??= namespace;
    const methods = Object.keys(functions).filter((name) => typeof functions[name] === 'function');
    if (methods.length === 0) {
      throw new Error('it offers no function: call defineWorker({ ... }) or export functions');
    }
    (parentPort ?? process).on('message', onCall);
    send({ $pool: 'ready', methods });
  })
  .catch((error) => {
    loading = false;
    sendError({ $pool: 'load-error' }, error);
  });

function onCall(message) {
  if (message === null || typeof message !== 'object' || message.$pool !== 'call') return;
  const id = message.id;
  let result;
  try {
    result = functions[message.method](...message.args);
  } catch (error) {
    sendError({ $pool: 'error', id }, error);
    return;
  }
  if (typeof result?.then === 'function') {
    result.then((value) => reply(id, value), (error) => sendError({ $pool: 'error', id }, error));
  } else {
    reply(id, result);
  }
}

function reply(id, value) {
  try {
    send({ $pool: 'result', id, value });
  } catch (error) {
    sendError({ $pool: 'error', id }, error); // a result that cannot be cloned
  }
}

function sendError(message, error) {
  try {
    message.error = toWire(error, true);
    send(message);
  } catch {
    message.error = toWire(error, false); // its properties could not be cloned: strings only
    send(message);
  }
}

function toWire(error, detailed, depth = 0) {
  if (!(error instanceof Error)) return { value: detailed ? error : String(error) };
  const wire = { name: String(error.name), message: String(error.message), stack: error.stack === undefined ? undefined : String(error.stack) };
  if (detailed) {
    wire.props = {};
    for (const key of Object.keys(error)) wire.props[key] = error[key];
    if (error.cause !== undefined && depth < 8) wire.cause = toWire(error.cause, true, depth + 1);
  }
  return wire;
}
`;
}
