import http from 'node:http';
import { performance } from 'node:perf_hooks';

/**
 * How a request ended, from the client's side:
 * - `ok`: 200, served by a worker;
 * - `timeout` / `queue-full`: 503 with `Retry-After` and the pool's reason: no worker in time, or
 *   the pool's queue was full (`maxWaiting`);
 * - `worker-crashed` / `task-threw`: a deliberate 500 naming the fault injected into that request;
 * - `client-left`: the client hung up on purpose (its plan said so) before the response ended;
 * - `unexpected`: anything else (another status or body, a connection error nobody asked for);
 * - `hung`: no end within the run's hang limit.
 */
export type Outcome = 'ok' | 'timeout' | 'queue-full' | 'worker-crashed' | 'task-threw' | 'client-left' | 'unexpected' | 'hung';

export const OUTCOMES: readonly Outcome[] = ['ok', 'timeout', 'queue-full', 'worker-crashed', 'task-threw', 'client-left', 'unexpected', 'hung'];

export interface RequestPlan {
  path: string;
  /** Hang up this many ms after sending, unless the response has ended by then. */
  leaveAfterMs?: number;
}

export interface RequestResult {
  plan: RequestPlan;
  outcome: Outcome;
  status?: number;
  /** What made an `unexpected` outcome: the body or the error. */
  detail?: string;
  ms: number;
}

export interface LoadOptions {
  base: string;
  /** The next request to send, or undefined to stop. */
  next: () => RequestPlan | undefined;
  /** Clients sending at once, each on its own keep-alive connection while it stays open. */
  concurrency: number;
  /** A request with no end after this many ms is `hung` (and destroyed). */
  hangAfterMs: number;
  /** Receives each result as it comes (the caller keeps what it needs: a long run keeps counts only). */
  onResult: (result: RequestResult) => void;
}

/**
 * A closed-loop load: `concurrency` clients each send the next planned request once their last
 * one ended, over one keep-alive `http.Agent`, which is destroyed at the end.
 */
export async function runLoad(options: LoadOptions): Promise<void> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: options.concurrency });
  const client = async (): Promise<void> => {
    for (let plan = options.next(); plan !== undefined; plan = options.next()) {
      options.onResult(await send(agent, options.base, plan, options.hangAfterMs));
    }
  };
  try {
    await Promise.all(Array.from({ length: options.concurrency }, client));
  } finally {
    agent.destroy();
  }
}

export function noOutcomes(): Record<Outcome, number> {
  return Object.fromEntries(OUTCOMES.map((outcome) => [outcome, 0])) as Record<Outcome, number>;
}

function send(agent: http.Agent, base: string, plan: RequestPlan, hangAfterMs: number): Promise<RequestResult> {
  return new Promise((resolve) => {
    const started = performance.now();
    let over = false;
    let left = false;
    const finish = (outcome: Outcome, status?: number, detail?: string): void => {
      if (over) return;
      over = true;
      clearTimeout(hang);
      if (leave !== undefined) clearTimeout(leave);
      resolve({ plan, outcome, status, detail, ms: performance.now() - started });
    };
    const request = http.get(`${base}${plan.path}`, { agent }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => {
        const body = Buffer.concat(chunks).toString();
        finish(classify(response.statusCode ?? 0, response.headers['retry-after'], body), response.statusCode, body);
      });
      response.on('error', (error) => finish(left ? 'client-left' : 'unexpected', response.statusCode, error.message));
    });
    request.on('error', (error) => finish(left ? 'client-left' : 'unexpected', undefined, error.message));
    const leave =
      plan.leaveAfterMs === undefined
        ? undefined
        : setTimeout(() => {
            left = true;
            finish('client-left');
            request.destroy();
          }, plan.leaveAfterMs);
    const hang = setTimeout(() => {
      finish('hung');
      request.destroy();
    }, hangAfterMs);
  });
}

function classify(status: number, retryAfter: string | undefined, body: string): Outcome {
  if (status === 200) return 'ok';
  let json: { reason?: unknown; fault?: unknown };
  try {
    json = JSON.parse(body) as typeof json;
  } catch {
    return 'unexpected';
  }
  if (status === 503 && retryAfter !== undefined) {
    if (json.reason === 'timeout') return 'timeout';
    if (json.reason === 'queue-full') return 'queue-full';
  }
  if (status === 500 && (json.fault === 'worker-crashed' || json.fault === 'task-threw')) return json.fault;
  return 'unexpected';
}
