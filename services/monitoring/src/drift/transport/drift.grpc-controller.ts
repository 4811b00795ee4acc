import { Controller } from '@nestjs/common';
import { GrpcMethod } from '@nestjs/microservices';
import type { Metadata } from '@grpc/grpc-js';
import type { monitoring } from '@mlops/contracts';
import { principalOf } from '@mlops/nest-platform';
import { DriftService } from '../drift.service';
import { PolicyStore } from '../policy.store';
import { toAlertMessage, toPolicyInput, toPolicyMessage, toReportMessage } from './drift.mapper';

/** Drift policies, reports and alerts over gRPC. */
@Controller()
export class DriftGrpcController {
  constructor(
    private readonly drift: DriftService,
    private readonly policies: PolicyStore,
  ) {}

  @GrpcMethod('MonitoringService', 'SetMonitoringPolicy')
  async setMonitoringPolicy(r: monitoring.MonitoringPolicy, md: Metadata): Promise<monitoring.MonitoringPolicy> {
    const { policy, updatedAt } = await this.policies.set(principalOf(md), toPolicyInput(r));
    return toPolicyMessage(policy, updatedAt);
  }

  @GrpcMethod('MonitoringService', 'GetMonitoringPolicy')
  async getMonitoringPolicy(r: monitoring.GetMonitoringPolicyRequest): Promise<monitoring.MonitoringPolicy> {
    const { policy, updatedAt } = await this.policies.get(r.modelName);
    return toPolicyMessage(policy, updatedAt);
  }

  @GrpcMethod('MonitoringService', 'GetDriftReport')
  async getDriftReport(r: monitoring.GetDriftReportRequest): Promise<monitoring.DriftReport> {
    return toReportMessage(await this.drift.report(r.modelName));
  }

  @GrpcMethod('MonitoringService', 'ListDriftReports')
  async listDriftReports(r: monitoring.ListReportsRequest): Promise<monitoring.ListDriftReportsResponse> {
    return { reports: (await this.drift.history(r.modelName, r.sinceMs, r.limit)).map(toReportMessage) };
  }

  @GrpcMethod('MonitoringService', 'ListAlerts')
  async listAlerts(r: monitoring.ListAlertsRequest): Promise<monitoring.ListAlertsResponse> {
    const { alerts, nextPageToken } = await this.drift.listAlerts(r.modelName, r.limit, r.pageToken);
    return { alerts: alerts.map(toAlertMessage), nextPageToken };
  }
}
