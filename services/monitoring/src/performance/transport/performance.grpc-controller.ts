import { Controller } from '@nestjs/common';
import { GrpcMethod } from '@nestjs/microservices';
import type { monitoring } from '@mlops/contracts';
import { PerformanceService } from '../performance.service';

/** Live performance reports over gRPC (alerts are listed with the drift ones). */
@Controller()
export class PerformanceGrpcController {
  constructor(private readonly performance: PerformanceService) {}

  @GrpcMethod('MonitoringService', 'GetPerformanceReport')
  async getPerformanceReport(r: monitoring.GetPerformanceReportRequest): Promise<monitoring.PerformanceReport> {
    return await this.performance.report(r.modelName);
  }

  @GrpcMethod('MonitoringService', 'ListPerformanceReports')
  async listPerformanceReports(r: monitoring.ListReportsRequest): Promise<monitoring.ListPerformanceReportsResponse> {
    return { reports: await this.performance.history(r.modelName, r.sinceMs, r.limit) };
  }
}
