import { Injectable } from '@nestjs/common';
import { InjectPool, type Pool } from 'nestjs-pool';
import { REPORTS_POOL } from '../pools.constants.js';
import type { RegionSales, UpstreamClient } from '../upstream/upstream-client.worker.js';

export interface SalesReport {
  day: string;
  regions: RegionSales[];
  total: number;
}

const REGIONS = ['north', 'south', 'east', 'west'];

@Injectable()
export class ReportsService {
  constructor(@InjectPool(REPORTS_POOL) private readonly clients: Pool<UpstreamClient>) {}

  /** A report makes one upstream call per region on the same session: it holds its worker throughout. */
  build(day: string): Promise<SalesReport> {
    return this.clients.use(async (client, lease) => {
      const regions: RegionSales[] = [];
      for (const region of REGIONS) regions.push(await client.getSales(day, region, lease.signal));
      const total = Math.round(regions.reduce((sum, r) => sum + r.sales, 0) * 100) / 100;
      return { day, regions, total };
    });
  }
}
