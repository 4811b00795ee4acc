import { Controller } from '@nestjs/common';
import { health } from '@mlops/contracts';
import { ReadinessService } from '../readiness.service';

const { HealthCheckResponse_ServingStatus: Status } = health;

/** grpc.health.v1.Health: SERVING while the service is ready (grpc_health_probe, k8s gRPC probes). */
@Controller()
@health.HealthControllerMethods()
export class HealthGrpcController implements Pick<health.HealthController, 'check'> {
  constructor(private readonly readiness: ReadinessService) {}

  check(): health.HealthCheckResponse {
    return { status: this.readiness.ready ? Status.SERVING : Status.NOT_SERVING };
  }
}
