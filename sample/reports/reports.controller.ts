import { Controller, Get, Param } from '@nestjs/common';
import { ReportsService, type SalesReport } from './reports.service.js';

@Controller('reports')
export class ReportsController {
  constructor(private readonly reports: ReportsService) {}

  @Get(':day')
  build(@Param('day') day: string): Promise<SalesReport> {
    return this.reports.build(day);
  }
}
