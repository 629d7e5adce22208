import { Injectable } from '@nestjs/common';

/** The sample's settings, from environment variables (a stand-in for @nestjs/config's ConfigService). */
@Injectable()
export class AppConfig {
  readonly port = readCount('PORT', 3000);
  /** Calls the upstream service accepts at once; it refuses any more. */
  readonly upstreamConcurrency = readCount('UPSTREAM_CONCURRENCY', 4);
  /** How long one upstream call takes, in ms. */
  readonly upstreamLatencyMs = readCount('UPSTREAM_LATENCY_MS', 100);
  /** Workers (upstream sessions) of the reports pool. */
  readonly reportWorkers = readCount('REPORT_WORKERS', 1);
}

function readCount(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0) throw new Error(`${name} must be an integer >= 0, got "${raw}"`);
  return value;
}
