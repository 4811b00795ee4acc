import { Injectable } from '@nestjs/common';
import { SERVICE_NAMES, type SagaSummary, type TimelineStep, type Wire, RemoteCallError, connectFailure, statusName, summarizeSaga } from '@mlops/client';
import { type monitoring, platform } from '@mlops/contracts';
import { INSTANCE, ReadinessService } from '@mlops/nest-platform';
import { type Caller, PlatformApi } from '../upstream/platform-api';

export interface ServiceHealth {
  service: string;
  ready: boolean;
  version?: string;
  startedAtMs?: number;
  dependencies: Wire<platform.DependencyStatus>[];
  /** Why the status could not be read (unreachable, refused). */
  error?: string;
}

export interface Saga {
  correlationId: string;
  modelName: string;
  steps: TimelineStep[];
  summary: SagaSummary;
}

/** The Overview page: every service's readiness and dependencies, and the latest sagas. */
@Injectable()
export class OverviewService {
  constructor(
    private readonly api: PlatformApi,
    private readonly readiness: ReadinessService,
  ) {}

  async health(caller: Caller): Promise<ServiceHealth[]> {
    const services = await Promise.all(
      SERVICE_NAMES.map(async (service): Promise<ServiceHealth> => {
        try {
          const status = await this.api.platform<Wire<platform.GetStatusResponse>>(caller, service, 'GetStatus', { includeUpstream: false });
          return { service, ready: status.ready, version: status.version, startedAtMs: status.startedAtMs, dependencies: status.dependencies };
        } catch (error) {
          const reason = error instanceof RemoteCallError ? (connectFailure(error) ?? `${statusName(error.code)}: ${error.details}`) : (error as Error).message;
          return { service, ready: false, dependencies: [], error: reason };
        }
      }),
    );
    // The console's own dependencies, as its GetStatus reports them (enums by name, as the others arrive).
    const own = this.readiness.dependencies.map((d) => ({ ...d, kind: platform.DependencyKind[d.kind] as unknown as Wire<platform.DependencyStatus>['kind'] }));
    return [...services, { service: 'console', ready: this.readiness.ready, startedAtMs: INSTANCE.startedAtMs, dependencies: own }];
  }

  async sagas(caller: Caller, modelName: string, limit: number): Promise<Saga[]> {
    const { timelines } = await this.api.call<Wire<monitoring.ListTimelinesResponse>>(caller, 'monitoring', 'ListTimelines', { modelName, limit });
    return timelines.map((t) => ({
      correlationId: t.correlationId,
      modelName: t.steps.find((s) => s.modelName)?.modelName ?? '',
      steps: t.steps,
      summary: summarizeSaga(t.steps),
    }));
  }
}
