import { type DynamicModule, Global, Injectable, Module, type OnApplicationShutdown } from '@nestjs/common';
import { APP_GUARD, APP_INTERCEPTOR, DiscoveryModule } from '@nestjs/core';
import type { Kafka } from 'kafkajs';
import { DataSource } from 'typeorm';
import { EventConsumer, EventPublisher, MESSAGING_ENTITIES, MessagingTables1732800000000, Outbox, OutboxRelay, createKafka } from '@mlops/messaging';
import { JsonLogger, PlatformMetrics } from '@mlops/observability';
import { openDataSource, withRetries } from '@mlops/persistence';
import { AuditLog } from './audit/audit-log';
import { AuditInTransactionSubscriber } from './audit/call-audit';
import { AuditRecords1733100000000 } from './audit/audit.migration';
import { HttpAuthGuard } from './auth/http-auth.guard';
import { PlatformSecurity } from './auth/platform-security';
import { CorrelationInterceptor } from './correlation.interceptor';
import { HealthGrpcController } from './grpc/health.grpc-controller';
import { PlatformGrpcController } from './grpc/platform.grpc-controller';
import { HealthHttpController } from './http/health.http-controller';
import { MetricsHttpController } from './http/metrics.http-controller';
import { INSTANCE } from './instance';
import { MessagingLifecycle } from './messaging.lifecycle';
import { PLATFORM_CONFIG, type PlatformConfig, loadPlatformConfig } from './platform-config';
import { ReadinessService } from './readiness.service';
import type { ServiceDefinition } from './service-definition';
import { KAFKA, SERVICE_DEFINITION } from './tokens';
import { UpstreamClients } from './upstream';
import { ServiceAnnouncer } from './service-announcer';

@Injectable()
class DataSourceCloser implements OnApplicationShutdown {
  constructor(private readonly dataSource: DataSource) {}
  async onApplicationShutdown(): Promise<void> {
    if (this.dataSource.isInitialized) await this.dataSource.destroy();
  }
}

/**
 * Everything a platform service shares: validated config, JSON logger, metrics, its Postgres
 * schema (migrated), Kafka (publisher, outbox relay, consumer group), readiness, the health,
 * metrics and status endpoints, correlation ids, authentication, authorization and the audit
 * log (see auth/), and clients of its upstream services.
 * A service imports `PlatformModule.forRoot(definition)` and adds its features.
 */
@Global()
@Module({})
export class PlatformModule {
  static forRoot(def: ServiceDefinition): DynamicModule {
    return {
      module: PlatformModule,
      imports: [DiscoveryModule],
      controllers: [HealthHttpController, MetricsHttpController, HealthGrpcController, PlatformGrpcController],
      providers: [
        { provide: SERVICE_DEFINITION, useValue: def },
        { provide: PLATFORM_CONFIG, useFactory: () => loadPlatformConfig(def) },
        {
          provide: JsonLogger,
          inject: [PLATFORM_CONFIG],
          useFactory: (config: PlatformConfig) => new JsonLogger(def.name, config.logLevel),
        },
        { provide: PlatformMetrics, useFactory: () => new PlatformMetrics(def.name) },
        {
          provide: DataSource,
          inject: [PLATFORM_CONFIG, JsonLogger],
          useFactory: (config: PlatformConfig, logger: JsonLogger) =>
            withRetries(
              () =>
                openDataSource({
                  url: config.databaseUrl,
                  schema: config.dbSchema,
                  entities: [...MESSAGING_ENTITIES, ...((def.entities as []) ?? [])],
                  migrations: [MessagingTables1732800000000, AuditRecords1733100000000, ...(def.migrations ?? [])],
                  applicationName: `${def.name}:${INSTANCE.id.slice(0, 8)}`,
                  poolSize: config.dbPoolSize,
                  subscribers: [AuditInTransactionSubscriber],
                }),
              { attempts: 15, delayMs: 2000, onRetry: (error, attempt) => logger.warn('database not reachable, retrying', { attempt, error: error.message }) },
            ),
        },
        {
          provide: KAFKA,
          inject: [PLATFORM_CONFIG, JsonLogger],
          useFactory: (config: PlatformConfig, logger: JsonLogger) =>
            createKafka({
              brokers: config.kafkaBrokers,
              clientId: `${def.name}-${INSTANCE.id.slice(0, 8)}`,
              logger,
              security: {
                protocol: config.kafkaSecurityProtocol,
                saslMechanism: config.kafkaSaslMechanism,
                saslUsername: config.kafkaSaslUsername,
                saslPasswordFile: config.kafkaSaslPasswordFile,
                tlsCaFile: config.kafkaTlsCaFile,
              },
            }),
        },
        { provide: EventPublisher, inject: [KAFKA], useFactory: (kafka: Kafka) => new EventPublisher(kafka, def.name) },
        { provide: Outbox, inject: [EventPublisher], useFactory: (publisher: EventPublisher) => new Outbox(publisher) },
        {
          provide: OutboxRelay,
          inject: [DataSource, EventPublisher, JsonLogger, PlatformMetrics],
          useFactory: (ds: DataSource, publisher: EventPublisher, logger: JsonLogger, metrics: PlatformMetrics) =>
            new OutboxRelay(ds, publisher, { logger, metrics }),
        },
        {
          provide: EventConsumer,
          inject: [KAFKA, EventPublisher, JsonLogger, PlatformMetrics, PLATFORM_CONFIG],
          useFactory: (kafka: Kafka, publisher: EventPublisher, logger: JsonLogger, metrics: PlatformMetrics, config: PlatformConfig) =>
            new EventConsumer(kafka, { groupId: config.consumerGroup, publisher, logger, metrics, partitionsConsumedConcurrently: config.consumerConcurrency, sessionTimeoutMs: config.kafkaSessionTimeoutMs }),
        },
        { provide: PlatformSecurity, inject: [PLATFORM_CONFIG, JsonLogger], useFactory: (config: PlatformConfig, logger: JsonLogger) => new PlatformSecurity(config, logger) },
        { provide: AuditLog, inject: [DataSource], useFactory: (ds: DataSource) => new AuditLog(ds) },
        ReadinessService,
        UpstreamClients,
        MessagingLifecycle,
        ServiceAnnouncer,
        DataSourceCloser,
        { provide: APP_INTERCEPTOR, useClass: CorrelationInterceptor },
        { provide: APP_GUARD, useClass: HttpAuthGuard },
      ],
      exports: [
        SERVICE_DEFINITION,
        PLATFORM_CONFIG,
        JsonLogger,
        PlatformMetrics,
        DataSource,
        KAFKA,
        EventPublisher,
        Outbox,
        OutboxRelay,
        EventConsumer,
        { provide: PlatformSecurity, inject: [PLATFORM_CONFIG, JsonLogger], useFactory: (config: PlatformConfig, logger: JsonLogger) => new PlatformSecurity(config, logger) },
        { provide: AuditLog, inject: [DataSource], useFactory: (ds: DataSource) => new AuditLog(ds) },
        ReadinessService,
        UpstreamClients,
        PlatformSecurity,
        AuditLog,
      ],
    };
  }
}
