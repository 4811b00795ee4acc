import { Controller } from '@nestjs/common';
import { GrpcMethod } from '@nestjs/microservices';
import type { monitoring } from '@mlops/contracts';
import { notFound } from '@mlops/errors';
import { TimelineRepository } from '../timeline.repository';

/** A saga's steps over gRPC. */
@Controller()
export class TimelineGrpcController {
  constructor(private readonly timeline: TimelineRepository) {}

  @GrpcMethod('MonitoringService', 'GetTimeline')
  async getTimeline(r: monitoring.GetTimelineRequest): Promise<monitoring.Timeline> {
    const steps = await this.timeline.steps(r.correlationId);
    if (steps.length === 0) throw notFound(`no event carried the correlation id "${r.correlationId}"`);
    return { correlationId: r.correlationId, steps: steps.map((s) => ({ atMs: s.at.getTime(), kind: s.kind, service: s.service, modelName: s.modelName, version: s.version, summary: s.summary, details: s.details })) };
  }
}
