import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { Controller, Get, Global, Module, type INestApplication } from '@nestjs/common';
import type { AbstractHttpAdapter } from '@nestjs/core';
import { ExpressAdapter } from '@nestjs/platform-express';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import { once } from 'node:events';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { PoolRegistry, UsePoolWorker, type Lease } from 'nestjs-pool';
import { PoolObserverModule } from 'nestjs-pool/observer';
import { testPool } from './support/test-pool.js';

/** Debian's chromium package (`.ci/run` installs it); playwright-core downloads no browser. */
const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
const SCREENSHOTS = join(dirname(fileURLToPath(import.meta.url)), '__screenshots__');
/** What the predicates run in the page use of it (the tests compile without the DOM's types). */
interface BrowserWindow {
  document: { querySelectorAll(selector: string): { length: number } };
}

/** Upper bound for the page to show a change; it shows it within an update (100 ms) when all goes well. */
const SHOWN = { timeout: 10_000 };

const gate = {
  open: (): void => undefined,
  opened: Promise.resolve(),
  close(): void {
    this.opened = new Promise((resolve) => (this.open = resolve));
  },
};

@Controller()
class WorkController {
  @Get('hold')
  @UsePoolWorker('db', { timeout: 10_000 })
  async hold(): Promise<string> {
    await gate.opened;
    return 'done';
  }
}

/**
 * CI installs Chromium (`.ci/run`) and must run this; a developer machine without it skips it,
 * saying so, rather than failing `npm test` for a missing system package.
 */
const haveChromium = existsSync(CHROMIUM);
if (!haveChromium && process.env.CI === undefined) {
  console.warn(`Skipping the observer's browser test: no ${CHROMIUM} (apt-get install chromium)`);
}
const describeInBrowser = haveChromium || process.env.CI !== undefined ? describe : describe.skip;

describeInBrowser('the observer page in Chromium', () => {
  let browser: BrowserContext;
  let profile: string;

  beforeAll(async () => {
    mkdirSync(SCREENSHOTS, { recursive: true });
    profile = mkdtempSync(join(tmpdir(), 'pool-observer-chromium-'));
    browser = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: CHROMIUM_FLAGS,
      viewport: { width: 1100, height: 760 },
    });
  });

  afterAll(async () => {
    await browser?.close();
    rmSync(profile, { recursive: true, force: true });
  });

  describe.each([
    ['Express', () => new ExpressAdapter()],
    ['Fastify', () => new FastifyAdapter()],
  ] as [string, () => AbstractHttpAdapter][])('served by %s', (name, adapter) => {
    let app: INestApplication;
    let registry: PoolRegistry;
    let db: ReturnType<typeof testPool>;
    let jobs: ReturnType<typeof testPool>;
    let page: Page;
    let base: string;
    const pageErrors: string[] = [];
    const leases: Lease<number>[] = [];

    beforeEach(async () => {
      gate.close();
      registry = new PoolRegistry();
      db = testPool('db', 4, 2);
      jobs = testPool('jobs', 3, 0);
      registry.register(db.pool);
      registry.register(jobs.pool);

      @Global()
      @Module({ providers: [{ provide: PoolRegistry, useValue: registry }], exports: [PoolRegistry] })
      class RegistryModule {}

      const moduleRef = await Test.createTestingModule({
        imports: [RegistryModule, PoolObserverModule.forRoot({ enabled: true })],
        controllers: [WorkController],
      }).compile();
      // Chromium keeps spare connections open, which would hold the server's closing.
      app = moduleRef.createNestApplication(adapter(), { logger: false, forceCloseConnections: true });
      await app.listen(0, '127.0.0.1');
      base = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
      // Started once the observer watches: it knows every worker by id.
      await Promise.all([db.pool.start(), jobs.pool.start()]);

      page = await browser.newPage();
      pageErrors.length = 0;
      page.on('pageerror', (error) => pageErrors.push(error.message));
      page.on('console', (message) => {
        if (message.type() === 'error') pageErrors.push(message.text());
      });
    });

    afterEach(async () => {
      gate.open();
      for (const lease of leases.splice(0)) lease.release();
      await page.close();
      await app.close();
      await registry.stopAll({ timeout: 0 });
    });

    const tile = (pool: string, selector = '') => page.locator(`.pool[data-pool="${pool}"] .tile${selector}`);
    /** Waits until the page shows exactly `count` tiles of `pool` that match `selector`. */
    const showsTiles = (pool: string, selector: string, count: number) =>
      page.waitForFunction(
        ([query, expected]) => (globalThis as unknown as BrowserWindow).document.querySelectorAll(query).length === expected,
        [`.pool[data-pool="${pool}"] .tile${selector}`, count] as const,
        SHOWN,
      );

    it('draws the workers live: a tile turns busy while a request holds its worker, and back', async () => {
      await page.goto(`${base}/pool-observer/ui`);
      await showsTiles('db', '[data-state="idle"]', 4);
      await showsTiles('jobs', '[data-state="idle"]', 3);
      expect(await page.locator('#connection').textContent()).toBe('live');

      const checkout = once(db.pool, 'checkout');
      const request = fetch(`${base}/hold`);
      const [lease] = (await checkout) as [Lease<number>];
      await tile('db', `[data-worker-id="${lease.workerId}"][data-state="busy"]`).waitFor(SHOWN);
      expect(await tile('db', '[data-state="busy"]').count()).toBe(1);

      gate.open();
      expect(await (await request).text()).toBe('done');
      await tile('db', `[data-worker-id="${lease.workerId}"][data-state="idle"]`).waitFor(SHOWN);
      expect(await tile('db', '[data-state="idle"]').count()).toBe(4);
      expect(pageErrors).toEqual([]);
    });

    it('shows overflow, the queue, starting and dead workers, and the wait times', async () => {
      await page.goto(`${base}/pool-observer/ui`);
      await tile('db').nth(3).waitFor(SHOWN);

      // Clients that queue until the page has shown them waiting, one update each: the chart's bars.
      const queue = (waiting: number) => page.locator(`.pool[data-pool="db"] .queue[data-waiting="${waiting}"]`);
      leases.push(...(await Promise.all(Array.from({ length: 6 }, () => db.pool.checkout()))));
      for (let round = 0; round < 8; round++) {
        const queued = db.pool.checkout({ timeout: 10_000 });
        await queue(1).waitFor(SHOWN);
        leases.shift()!.release();
        leases.push(await queued);
        await queue(0).waitFor(SHOWN);
      }
      expect(await page.locator('.pool[data-pool="db"] .chart rect.max').count()).toBeGreaterThanOrEqual(8);
      const waiting = [db.pool.checkout({ timeout: 10_000 }), db.pool.checkout({ timeout: 10_000 })];
      const job = await jobs.pool.checkout();
      leases.push(job);
      const openCreates = jobs.holdCreates(); // the replacement stays starting
      jobs.crash(job.workerId === 1 ? 2 : 1); // an idle one

      await page.locator('.pool[data-pool="db"] .queue[data-waiting="2"]').waitFor(SHOWN);
      await showsTiles('db', '[data-state="overflow"]', 2);
      await showsTiles('jobs', '[data-state="starting"]', 1);
      await showsTiles('jobs', '[data-state="dead"]', 1);
      expect(await tile('db', '[data-state="busy"]').count()).toBe(4);
      expect(await page.locator('.pool[data-pool="db"] .state').textContent()).toBe('full');
      expect(await page.locator('.pool[data-pool="jobs"] .log').textContent()).toContain('exited: exited');
      await page.locator('body').screenshot({ path: join(SCREENSHOTS, `observer-${name.toLowerCase()}.png`) });

      openCreates();
      for (const lease of leases.splice(0)) lease.release();
      for (const waiter of waiting) (await waiter).release();
      await showsTiles('db', '[data-state="idle"]', 4);
      await showsTiles('db', ':not([data-state="idle"])', 0);
      expect(pageErrors).toEqual([]);
    });
  });
});
