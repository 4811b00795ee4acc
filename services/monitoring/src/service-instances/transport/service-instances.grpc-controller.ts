import { Controller } from '@nestjs/common';
import { monitoring } from '@mlops/contracts';
import { ServiceInstancesService } from '../service-instances.service';

@Controller()
@monitoring.MonitoringServiceControllerMethods()
export class ServiceInstancesGrpcController implements Pick<monitoring.MonitoringServiceController, 'listServiceInstances'> {
  constructor(private readonly instances: ServiceInstancesService) {}

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
