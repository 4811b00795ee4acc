import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/**
 * One Prometheus registry per service instance (not prom-client's global one), so that tests
 * can run several services in one process. Every platform metric is created here, with the
 * `mlops_` prefix and the service as a default label.
 */
export class PlatformMetrics {
  readonly registry = new Registry();
  readonly grpcRequests: Counter<'method' | 'code'>;
  readonly grpcDuration: Histogram<'method' | 'code'>;
  readonly httpRequests: Counter<'route' | 'status'>;
  readonly kafkaConsumerLag: Gauge<'group' | 'topic' | 'partition'>;
  readonly kafkaMessages: Counter<'group' | 'topic' | 'outcome'>;
  readonly kafkaHandlerDuration: Histogram<'group' | 'topic'>;
  readonly outboxBacklog: Gauge;
  readonly outboxPublished: Counter;
  readonly outboxPublishFailures: Counter;
  readonly dependencyUp: Gauge<'dependency'>;
  readonly authRefusals: Counter<'transport' | 'reason'>;
  readonly auditRecords: Counter<'outcome'>;
  readonly auditWriteFailures: Counter;

  constructor(readonly service: string) {
    this.registry.setDefaultLabels({ service });
    // Event-loop lag sampled every 50 ms, not prom-client's 10 ms: the sampling timer alone woke an
    // idle service 100 times a second; the lag of each sample is still measured in nanoseconds.
    collectDefaultMetrics({ register: this.registry, eventLoopMonitoringPrecision: 50 });
    const registers = [this.registry];
    this.grpcRequests = new Counter({
      name: 'mlops_grpc_server_requests_total',
      help: 'gRPC requests handled, by method and status code.',
      labelNames: ['method', 'code'],
      registers,
    });
    this.grpcDuration = new Histogram({
      name: 'mlops_grpc_server_duration_seconds',
      help: 'gRPC request latency in seconds, by method and status code.',
      labelNames: ['method', 'code'],
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    });
    this.httpRequests = new Counter({
      name: 'mlops_http_requests_total',
      help: 'HTTP requests handled, by route and status.',
      labelNames: ['route', 'status'],
      registers,
    });
    this.kafkaConsumerLag = new Gauge({
      name: 'mlops_kafka_consumer_lag',
      help: 'Messages behind the partition high watermark after the last processed batch.',
      labelNames: ['group', 'topic', 'partition'],
      registers,
    });
    this.kafkaMessages = new Counter({
      name: 'mlops_kafka_messages_total',
      help: 'Kafka messages consumed, by outcome (processed, duplicate, dead_lettered, retried).',
      labelNames: ['group', 'topic', 'outcome'],
      registers,
    });
    this.kafkaHandlerDuration = new Histogram({
      name: 'mlops_kafka_handler_duration_seconds',
      help: 'Time to handle one Kafka message, retries included.',
      labelNames: ['group', 'topic'],
      buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 30],
      registers,
    });
    this.outboxBacklog = new Gauge({
      name: 'mlops_outbox_backlog',
      help: 'Events stored in the outbox and not yet delivered to Kafka.',
      registers,
    });
    this.outboxPublished = new Counter({
      name: 'mlops_outbox_published_total',
      help: 'Events relayed from the outbox to Kafka.',
      registers,
    });
    this.outboxPublishFailures = new Counter({
      name: 'mlops_outbox_publish_failures_total',
      help: 'Failed attempts to relay outbox events to Kafka (retried).',
      registers,
    });
    this.dependencyUp = new Gauge({
      name: 'mlops_dependency_up',
      help: '1 when the dependency answered its last readiness check, else 0.',
      labelNames: ['dependency'],
      registers,
    });
    this.authRefusals = new Counter({
      name: 'mlops_auth_refusals_total',
      help: 'Requests refused by authentication (reason: missing, expired, bad-signature, ...) or authorization (permission-denied).',
      labelNames: ['transport', 'reason'],
      registers,
    });
    this.auditRecords = new Counter({
      name: 'mlops_audit_records_total',
      help: 'Audit records written, by outcome (OK, PERMISSION_DENIED, other gRPC status names).',
      labelNames: ['outcome'],
      registers,
    });
    this.auditWriteFailures = new Counter({
      name: 'mlops_audit_write_failures_total',
      help: 'Audit records that could not be written (the database refused or was away).',
      registers,
    });
  }
}
