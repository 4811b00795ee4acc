import { Controller } from '@nestjs/common';
import { GrpcMethod } from '@nestjs/microservices';
import type { monitoring } from '@mlops/contracts';
import type { StoredStep } from '../timeline.repository';
import { TimelineService } from '../timeline.service';

/** Sagas' steps over gRPC. */
@Controller()
export class TimelineGrpcController {
  constructor(private readonly timeline: TimelineService) {}

  @GrpcMethod('MonitoringService', 'GetTimeline')
  async getTimeline(r: monitoring.GetTimelineRequest): Promise<monitoring.Timeline> {
    return { correlationId: r.correlationId, steps: (await this.timeline.timeline(r.correlationId)).map(toStepMessage) };
  }

  @GrpcMethod('MonitoringService', 'ListTimelines')
  async listTimelines(r: monitoring.ListTimelinesRequest): Promise<monitoring.ListTimelinesResponse> {
    const sagas = await this.timeline.latest(r.modelName, r.limit);
    return { timelines: sagas.map((saga) => ({ correlationId: saga.correlationId, steps: saga.steps.map(toStepMessage) })) };
  }
}

function toStepMessage(s: StoredStep): monitoring.TimelineStep {
  return { atMs: s.at.getTime(), kind: s.kind, service: s.service, modelName: s.modelName, version: s.version, summary: s.summary, details: s.details };
}
