import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { JsonLogger } from '@mlops/observability';
import { SERVING_CONFIG, type ServingConfig } from '../config/serving.config';
import { DeploymentsRepository } from '../deployments/deployments.repository';
import type { Deployment } from '../deployments/domain/deployment';
import { ModelStore } from '../models/model-store';
import { ServingMetrics } from '../serving.metrics';

/**
 * The active deployment of each model, as every request needs it: read from Postgres at start
 * and every SERVING_ROUTING_REFRESH_MS (so replicas agree within that), and at once after this
 * process changes one. Refreshing also loads and warms up every candidate in the background;
 * until its candidate is warm a deployment sends all traffic to the stable version.
 */
@Injectable()
export class RoutingTable implements OnApplicationBootstrap, OnApplicationShutdown {
  private byModel = new Map<string, Deployment>();
  private byId = new Map<string, Deployment>();
  private timer?: NodeJS.Timeout;
  private refreshing?: Promise<void>;
  private again?: Promise<void>;
  private readonly weighted = new Set<string>();

  constructor(
    private readonly repository: DeploymentsRepository,
    private readonly models: ModelStore,
    private readonly metrics: ServingMetrics,
    private readonly logger: JsonLogger,
    @Inject(SERVING_CONFIG) private readonly config: ServingConfig,
  ) {
    // The versions of active deployments stay loaded however idle they are.
    models.keepLoaded((name, version) => {
      const d = this.byModel.get(name);
      return d !== undefined && (d.stableVersion === version || d.candidateVersion === version);
    });
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.refresh().catch((error) => this.logger.warn('loading deployments failed, will retry', { error }));
    this.timer = setInterval(() => void this.refresh().catch((error) => this.logger.warn('refreshing deployments failed', { error })), this.config.routingRefreshMs);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  active(model: string): Deployment | undefined {
    return this.byModel.get(model);
  }

  deployment(id: string): Deployment | undefined {
    return this.byId.get(id);
  }

  /** Every active deployment, as last read. */
  deployments(): Deployment[] {
    return [...this.byId.values()];
  }

  /** Current window of every active deployment, by id. */
  windows(): Map<string, number> {
    return new Map([...this.byId.values()].map((d) => [d.id, d.window]));
  }

  /** Reloads the table; a call made while a load is running gets the next load, which starts
   * after the running one, so a change committed before the call is always seen. */
  refresh(): Promise<void> {
    if (this.refreshing) {
      this.again ??= this.refreshing.then(
        () => ((this.again = undefined), this.refresh()),
        () => ((this.again = undefined), this.refresh()),
      );
      return this.again;
    }
    this.refreshing = this.load().finally(() => (this.refreshing = undefined));
    return this.refreshing;
  }

  private async load(): Promise<void> {
    const active = await this.repository.listActive();
    const previous = this.byModel;
    this.byModel = new Map(active.map((d) => [d.modelName, d]));
    this.byId = new Map(active.map((d) => [d.id, d]));
    for (const d of active) {
      if (!this.models.loaded(d.modelName, d.candidateVersion)) {
        this.models.get(d.modelName, d.candidateVersion).catch((error) => this.logger.warn('candidate could not be loaded', { model: d.modelName, version: d.candidateVersion, error: (error as Error).message }));
      }
      const before = previous.get(d.modelName);
      if (!before || before.id !== d.id) this.logger.info('routing to deployment', { model: d.modelName, deployment: d.id, stable: d.stableVersion, candidate: d.candidateVersion, weight: d.weight });
    }
    for (const [model, d] of previous) if (!this.byModel.has(model)) this.models.forgetProduction(d.modelName);
    this.exportWeights(active);
  }

  private exportWeights(active: Deployment[]): void {
    const now = new Set<string>();
    for (const d of active) {
      const set = (version: number, role: string, weight: number) => {
        if (version <= 0) return;
        this.metrics.trafficWeight.labels(d.modelName, String(version), role).set(weight);
        now.add(`${d.modelName}\u0000${version}\u0000${role}`);
      };
      set(d.stableVersion, 'stable', d.stableVersion > 0 ? 100 - d.weight : 0);
      set(d.candidateVersion, 'candidate', d.weight);
    }
    for (const key of this.weighted) {
      if (now.has(key)) continue;
      const [model, version, role] = key.split('\u0000');
      this.metrics.trafficWeight.remove(model, version, role);
    }
    this.weighted.clear();
    for (const key of now) this.weighted.add(key);
  }
}
