import { describe, expect, it, jest } from '@jest/globals';
import { Controller, Get, Logger } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { PoolModule, PoolWorker, UsePoolWorker } from 'nestjs-pool';

const factory = { create: () => ({}) };

describe('bootstrap checks of @UsePoolWorker', () => {
  it('@PoolWorker() without @UsePoolWorker fails bootstrap, saying where', async () => {
    @Controller()
    class Forgot {
      @Get()
      handle(@PoolWorker() worker: object): object {
        return worker;
      }
    }
    const moduleRef = await Test.createTestingModule({
      imports: [PoolModule.forRoot({ pools: [{ name: 'p', size: 1, factory }] })],
      controllers: [Forgot],
    }).compile();
    const app = moduleRef.createNestApplication({ logger: false });
    await expect(app.init()).rejects.toThrow(
      'option "@PoolWorker()" is used on Forgot.handle without @UsePoolWorker(poolName) on that handler or its class',
    );
    await app.close();
  });

  it('a pool name nobody registered is a warning, since it may be started at run time', async () => {
    @Controller()
    class Later {
      @Get()
      @UsePoolWorker('later')
      handle(@PoolWorker() worker: object): object {
        return worker;
      }
    }
    const warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    const moduleRef = await Test.createTestingModule({
      imports: [PoolModule.forRoot({ pools: [{ name: 'p', size: 1, factory }] })],
      controllers: [Later],
    }).compile();
    const app = moduleRef.createNestApplication({ logger: false });
    await app.init();
    expect(warn).toHaveBeenCalledWith('Later.handle uses pool "later", which is not registered (yet)');
    warn.mockRestore();
    await app.close();
  });
});
