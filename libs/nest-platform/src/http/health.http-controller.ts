import { Controller, Get, HttpStatus, Res } from '@nestjs/common';
import type { Response } from 'express';
import { ReadinessService } from '../readiness.service';

/** Kubernetes-style probes: live while the process runs; ready while Kafka and Postgres answer. */
@Controller('health')
export class HealthHttpController {
  constructor(private readonly readiness: ReadinessService) {}

  @Get('live')
  live(): { status: string } {
    return { status: 'live' };
  }

  @Get('ready')
  ready(@Res() res: Response): void {
    // Public (probes carry no token): names and states only; the failures' details are in GetStatus.
    const dependencies = this.readiness.dependencies.map(({ name, ready }) => ({ name, ready }));
    res
      .status(this.readiness.ready ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE)
      .json({ status: this.readiness.ready ? 'ready' : 'not ready', dependencies });
  }
}
