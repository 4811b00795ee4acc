import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import type { Admin, Kafka } from 'kafkajs';
import { DataSource } from 'typeorm';
import { JsonLogger, PlatformMetrics } from '@mlops/observability';
import { pingDatabase, withTimeout } from '@mlops/persistence';
import { platform } from '@mlops/contracts';
import { KAFKA } from './tokens';
import { PLATFORM_CONFIG, type PlatformConfig } from './platform-config';

export type DependencyStatus = platform.DependencyStatus;
const { DependencyKind } = platform;

/**
 * Knows whether the broker and the database answer. Checked on a timer (and on demand), so
 * /health/ready, gRPC health and GetStatus flip to not-ready when a dependency goes away and
 * back to ready when it returns, without a restart.
 */
@Injectable()
export class ReadinessService implements OnApplicationShutdown {
  private admin?: Admin;
  private timer?: NodeJS.Timeout;
  private last: DependencyStatus[] = [];

  constructor(
    @Inject(KAFKA) private readonly kafka: Kafka,
    private readonly dataSource: DataSource,
    private readonly metrics: PlatformMetrics,
    private readonly logger: JsonLogger,
    @Inject(PLATFORM_CONFIG) private readonly config: PlatformConfig,
  ) {}

  start(): void {
    const tick = async () => {
      await this.check().catch(() => undefined);
      this.timer = setTimeout(tick, this.config.readinessIntervalMs);
      this.timer.unref();
    };
    void tick();
  }

  onApplicationShutdown(): void {
    clearTimeout(this.timer);
    void this.admin?.disconnect().catch(() => undefined);
  }

  get ready(): boolean {
    return this.last.length > 0 && this.last.every((d) => d.ready);
  }

  get dependencies(): DependencyStatus[] {
    return this.last;
  }

  async check(): Promise<DependencyStatus[]> {
    const results = await Promise.all([
      this.probe('kafka', DependencyKind.DEPENDENCY_KIND_KAFKA, this.config.kafkaBrokers.join(','), () => this.pingKafka()),
      this.probe('postgres', DependencyKind.DEPENDENCY_KIND_POSTGRES, this.config.dbSchema, () => pingDatabase(this.dataSource)),
    ]);
    for (const result of results) {
      const before = this.last.find((d) => d.name === result.name);
      if (before && before.ready !== result.ready) {
        const log = result.ready ? this.logger.info.bind(this.logger) : this.logger.warn.bind(this.logger);
        log(`dependency ${result.name} is ${result.ready ? 'back' : 'unreachable'}`, { dependency: result.name, detail: result.detail });
      }
      this.metrics.dependencyUp.set({ dependency: result.name }, result.ready ? 1 : 0);
    }
    this.last = results;
    return results;
  }

  private async probe(name: string, kind: platform.DependencyKind, address: string, ping: () => Promise<void>): Promise<DependencyStatus> {
    const started = performance.now();
    try {
      await ping();
      return { name, kind, ready: true, detail: address, latencyMs: performance.now() - started };
    } catch (error) {
      return { name, kind, ready: false, detail: (error as Error).message, latencyMs: performance.now() - started };
    }
  }

  private async pingKafka(): Promise<void> {
    try {
      // No retries: readiness must answer now, not after the client's backoff.
      this.admin ??= this.kafka.admin({ retry: { retries: 0 } });
      await withTimeout(
        this.admin.connect().then(() => this.admin!.describeCluster()),
        3000,
        'Kafka did not answer',
      );
    } catch (error) {
      const admin = this.admin;
      this.admin = undefined;
      void admin?.disconnect().catch(() => undefined);
      throw error;
    }
  }
}
