import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/** An event stored in the same transaction as the state change it announces. */
@Entity({ name: 'outbox_events' })
@Index('outbox_events_unpublished', ['seq'], { where: 'published_at IS NULL' })
export class OutboxEvent {
  /** The event id (also sent as the `event-id` header). */
  @PrimaryColumn('uuid')
  id!: string;

  /** Insertion order; the relay sends in this order. */
  @Column({ type: 'bigint', generated: 'increment', unique: true })
  seq!: string;

  @Column('text')
  topic!: string;

  @Column({ type: 'text', nullable: true })
  key!: string | null;

  @Column('bytea')
  value!: Buffer;

  @Column('jsonb')
  headers!: Record<string, string>;

  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt!: Date;

  @Column({ name: 'published_at', type: 'timestamptz', nullable: true })
  publishedAt!: Date | null;

  @Column({ type: 'int', default: 0 })
  attempts!: number;

  @Column({ name: 'last_error', type: 'text', nullable: true })
  lastError!: string | null;
}

/** Marks an event as handled by a consumer group; the primary key makes handlers run once. */
@Entity({ name: 'processed_events' })
export class ProcessedEvent {
  @PrimaryColumn({ name: 'consumer_group', type: 'text' })
  consumerGroup!: string;

  @PrimaryColumn({ name: 'event_id', type: 'text' })
  eventId!: string;

  @Column({ name: 'processed_at', type: 'timestamptz', default: () => 'now()' })
  processedAt!: Date;
}

export const MESSAGING_ENTITIES = [OutboxEvent, ProcessedEvent];
