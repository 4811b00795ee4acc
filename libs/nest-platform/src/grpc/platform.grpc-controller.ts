import { Controller, Inject } from '@nestjs/common';
import { firstValueFrom, timeout } from 'rxjs';
import { platform } from '@mlops/contracts';
import { JsonLogger, currentCorrelationId } from '@mlops/observability';
import { PLATFORM_CONFIG, type PlatformConfig } from '../platform-config';
import { ReadinessService } from '../readiness.service';
import { INSTANCE } from '../instance';
import { UpstreamClients } from '../upstream';
import { AuditLog } from '../audit/audit-log';

const UPSTREAM_TIMEOUT_MS = 3000;

/** mlops.platform.v1.PlatformService: identity, readiness and dependencies of this instance; its audit log. */
@Controller()
@platform.PlatformServiceControllerMethods()
export class PlatformGrpcController implements platform.PlatformServiceController {
  constructor(
    private readonly readiness: ReadinessService,
    private readonly upstream: UpstreamClients,
    private readonly logger: JsonLogger,
    @Inject(PLATFORM_CONFIG) private readonly config: PlatformConfig,
    private readonly audit: AuditLog,
  ) {}

  async listAuditRecords(request: platform.ListAuditRecordsRequest): Promise<platform.ListAuditRecordsResponse> {
    const { records, nextPageToken } = await this.audit.list({
      principal: request.principal,
      actionPrefix: request.actionPrefix,
      sinceMs: request.sinceMs,
      pageSize: request.pageSize,
      pageToken: request.pageToken,
    });
    return { records: records.map((r) => ({ ...r, roles: [...r.roles], service: this.config.service })), nextPageToken };
  }

  async getStatus(request: platform.GetStatusRequest): Promise<platform.GetStatusResponse> {
    this.logger.info('status requested', { includeUpstream: request.includeUpstream });
    const dependencies = [...(await this.readiness.check())];
    const upstream: platform.GetStatusResponse[] = [];
    if (request.includeUpstream) {
      for (const name of this.upstream.names) {
        const started = performance.now();
        try {
          const status = await firstValueFrom(this.upstream.platform(name).getStatus({ includeUpstream: false }).pipe(timeout(UPSTREAM_TIMEOUT_MS)));
          upstream.push(status);
          dependencies.push(this.dependency(name, status.ready, this.config.upstream[name], started));
        } catch (error) {
          this.logger.warn('upstream status failed', { upstream: name, error: (error as Error).message });
          dependencies.push(this.dependency(name, false, (error as Error).message, started));
        }
      }
    }
    return {
      service: this.config.service,
      version: this.config.version,
      instanceId: INSTANCE.id,
      startedAtMs: INSTANCE.startedAtMs,
      ready: this.readiness.ready,
      dependencies,
      upstream,
      correlationId: currentCorrelationId() ?? '',
    };
  }

  private dependency(name: string, ready: boolean, detail: string, started: number): platform.DependencyStatus {
    return { name, kind: platform.DependencyKind.DEPENDENCY_KIND_GRPC_SERVICE, ready, detail, latencyMs: performance.now() - started };
  }
}
