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
    const dependencies = this.readiness.dependencies.map(({ name, ready, detail }) => ({ name, ready, ...(ready ? {} : { detail }) }));
    res
      .status(this.readiness.ready ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE)
      .json({ status: this.readiness.ready ? 'ready' : 'not ready', dependencies });
  }
}
