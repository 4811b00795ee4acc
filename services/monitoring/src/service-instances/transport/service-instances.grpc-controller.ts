import { Controller } from '@nestjs/common';
import { GrpcMethod } from '@nestjs/microservices';
import type { monitoring } from '@mlops/contracts';
import { ServiceInstancesService } from '../service-instances.service';

/** The fleet view. (One method of MonitoringService; the drift controller serves the others.) */
@Controller()
export class ServiceInstancesGrpcController implements Pick<monitoring.MonitoringServiceController, 'listServiceInstances'> {
  constructor(private readonly instances: ServiceInstancesService) {}

  @GrpcMethod('MonitoringService', 'ListServiceInstances')
  async listServiceInstances(request: monitoring.ListServiceInstancesRequest): Promise<monitoring.ListServiceInstancesResponse> {
    const rows = await this.instances.list(request.service, request.limit);
    return {
      instances: rows.map((row) => ({
        service: row.service,
        instanceId: row.instanceId,
        version: row.version,
        host: row.host,
        startedAtMs: row.startedAt.getTime(),
        recordedAtMs: row.recordedAt.getTime(),
      })),
    };
  }
}
