import { isAbsolute, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { SHARE_ENV, type ResourceLimits, type WorkerOptions } from 'node:worker_threads';
import { PoolConfigError } from '../core/index.js';
import type { ProcessWorkerOptions } from './process-pool-options.interface.js';
import type { ThreadWorkerOptions } from './thread-pool-options.interface.js';

export interface ResolvedThreadWorkerOptions {
  /** Absolute path, for messages. */
  filename: string;
  /** `file:` URL, for `import()`. */
  url: string;
  workerData: unknown;
  resourceLimits: ResourceLimits | undefined;
  env: WorkerOptions['env'];
}

export interface ResolvedProcessWorkerOptions {
  modulePath: string;
  url: string;
  args: string[];
  execArgv: string[] | undefined;
  env: NodeJS.ProcessEnv | undefined;
}

/** Each option's keys; `?` marks the optional ones. */
const THREAD_KEYS = ['filename', 'workerData?', 'resourceLimits?', 'env?'];
const PROCESS_KEYS = ['modulePath', 'args?', 'execArgv?', 'env?'];
const RESOURCE_LIMITS = ['maxOldGenerationSizeMb?', 'maxYoungGenerationSizeMb?', 'codeRangeSizeMb?', 'stackSizeMb?'];

/** Checks a pool's `thread` option; any mistake is a `PoolConfigError` naming pool and option. */
export function resolveThreadWorkerOptions(pool: string, options: ThreadWorkerOptions): ResolvedThreadWorkerOptions {
  checkKeys(pool, 'thread', options, THREAD_KEYS);
  const { filename, url } = modulePath(pool, 'thread.filename', options.filename);
  try {
    structuredClone(options.workerData);
  } catch (error) {
    throw new PoolConfigError(pool, 'thread.workerData', `must be structured-cloneable: ${(error as Error).message}`);
  }
  const limits = options.resourceLimits;
  if (limits !== undefined) {
    checkKeys(pool, 'thread.resourceLimits', limits, RESOURCE_LIMITS);
    for (const [key, value] of Object.entries(limits)) {
      if (value !== undefined && !(typeof value === 'number' && value > 0)) {
        throw new PoolConfigError(pool, `thread.resourceLimits.${key}`, `must be a number > 0, got ${String(value)}`);
      }
    }
  }
  const env = options.env;
  if (env !== undefined && env !== SHARE_ENV && !isObject(env)) {
    throw new PoolConfigError(pool, 'thread.env', 'must be an object of variables, or SHARE_ENV');
  }
  return { filename, url, workerData: options.workerData, resourceLimits: limits, env };
}

/** Checks a pool's `process` option; any mistake is a `PoolConfigError` naming pool and option. */
export function resolveProcessWorkerOptions(pool: string, options: ProcessWorkerOptions): ResolvedProcessWorkerOptions {
  checkKeys(pool, 'process', options, PROCESS_KEYS);
  const { filename, url } = modulePath(pool, 'process.modulePath', options.modulePath);
  const env = options.env;
  if (env !== undefined && !isObject(env)) throw new PoolConfigError(pool, 'process.env', 'must be an object of variables');
  return {
    modulePath: filename,
    url,
    args: strings(pool, 'process.args', options.args) ?? [],
    execArgv: strings(pool, 'process.execArgv', options.execArgv),
    env,
  };
}

function checkKeys(pool: string, option: string, value: unknown, keys: readonly string[]): void {
  if (!isObject(value)) throw new PoolConfigError(pool, option, `must be an object: { ${keys.join(', ')} }`);
  const known = keys.map((key) => key.replace('?', ''));
  for (const key of Object.keys(value)) {
    if (!known.includes(key)) throw new PoolConfigError(pool, `${option}.${key}`, `is not an option (known: ${known.join(', ')})`);
  }
}

function modulePath(pool: string, option: string, value: unknown): { filename: string; url: string } {
  let filename: string;
  if (value instanceof URL || (typeof value === 'string' && value.startsWith('file:'))) {
    try {
      filename = fileURLToPath(value);
    } catch (error) {
      throw new PoolConfigError(pool, option, `must be a file: URL or a path: ${(error as Error).message}`);
    }
  } else if (typeof value === 'string' && value !== '') {
    filename = isAbsolute(value) ? value : resolve(value);
  } else {
    throw new PoolConfigError(pool, option, `must be the path or file: URL of the worker module, got ${String(value)}`);
  }
  return { filename, url: pathToFileURL(filename).href };
}

function strings(pool: string, option: string, value: unknown): string[] | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value) || !value.every((item) => typeof item === 'string')) {
    throw new PoolConfigError(pool, option, 'must be an array of strings');
  }
  return [...value];
}

function isObject(value: unknown): value is object {
  return typeof value === 'object' && value !== null;
}
