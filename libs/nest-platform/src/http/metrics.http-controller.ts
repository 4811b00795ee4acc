import { Controller, Get, Res } from '@nestjs/common';
import type { Response } from 'express';
import { PlatformMetrics } from '@mlops/observability';

/** Prometheus scrape endpoint. */
@Controller('metrics')
export class MetricsHttpController {
  constructor(private readonly metrics: PlatformMetrics) {}

  @Get()
  async scrape(@Res() res: Response): Promise<void> {
    res.type(this.metrics.registry.contentType).send(await this.metrics.registry.metrics());
  }
}
