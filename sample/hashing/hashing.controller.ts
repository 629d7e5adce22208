import {
  BadRequestException,
  Controller,
  DefaultValuePipe,
  Get,
  HttpCode,
  HttpException,
  Param,
  ParseIntPipe,
  Post,
  Query,
} from '@nestjs/common';
import {
  PoolError,
  PoolLease,
  PoolWorker,
  UsePoolWorker,
  WorkerAbortedError,
  WorkerExitError,
  type Lease,
  type ThreadWorker,
} from 'nestjs-pool';
import { HASH_POOL } from '../pools.constants.js';
import { DEFAULT_ROUNDS, MAX_ROUNDS } from './hashing.constants.js';
import type { HashWorker } from './hash-worker.interface.js';

/** nginx's Client Closed Request. */
const CLIENT_CLOSED_REQUEST = 499;

export interface HashResult {
  input: string;
  rounds: number;
  sha256: string;
  /** The pool worker and the thread that computed it. */
  worker: number;
  threadId: number;
}

export interface CrashReport {
  /** The pool worker whose thread died; the pool has started a replacement. */
  worker: number;
  threadId: number;
  exitCode: number | undefined;
  error: string;
}

type HashThread = ThreadWorker<HashWorker>;

/** Every handler borrows one of the "hash" pool's threads for the duration of the request. */
@Controller('hash')
@UsePoolWorker(HASH_POOL)
export class HashingController {
  /**
   * Iterated SHA-256 of `input`, computed in a thread. `lease.signal` aborts when the client
   * hangs up: the thread is then terminated, so the CPU work stops with the request, and the
   * pool starts a fresh thread.
   */
  @Get(':input')
  async hash(
    @Param('input') input: string,
    @Query('rounds', new DefaultValuePipe(DEFAULT_ROUNDS), ParseIntPipe) rounds: number,
    @PoolWorker() worker: HashThread,
    @PoolLease() lease: Lease<HashThread>,
  ): Promise<HashResult> {
    if (rounds < 1 || rounds > MAX_ROUNDS) throw new BadRequestException(`rounds must be from 1 to ${MAX_ROUNDS}`);
    try {
      const sha256 = await worker.run({ input, rounds }, { signal: lease.signal });
      return { input, rounds, sha256, worker: worker.id, threadId: worker.threadId };
    } catch (error) {
      if (!(error instanceof WorkerAbortedError)) throw error;
      // The pool took the thread back (shutting down, say): its reason, a 503 through PoolErrorFilter.
      if (error.abortReason instanceof PoolError) throw error.abortReason;
      // The client left: an answer nobody reads, kept out of the error log.
      throw new HttpException('Client Closed Request', CLIENT_CLOSED_REQUEST);
    }
  }

  /** Kills the borrowed thread with an uncaught error; `/pools`, `/health` and the observer show the restart. */
  @Post('crash')
  @HttpCode(200)
  async crash(@PoolWorker() worker: HashThread): Promise<CrashReport> {
    const error: unknown = await worker.call('crash', `thread ${worker.threadId} crashed on purpose`).catch((e: unknown) => e);
    if (!(error instanceof WorkerExitError)) throw error;
    return { worker: worker.id, threadId: worker.threadId, exitCode: error.exitCode, error: error.message };
  }
}
