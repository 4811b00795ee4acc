import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import type { KafkaMessage } from 'kafkajs';
import { RawTopics, ingestion } from '@mlops/contracts';
import { EventConsumer, Headers, headerString } from '@mlops/messaging';
import { INGESTION_CONFIG, type IngestionConfig } from '../../config/ingestion.config';
import { type IncomingRecord, type RecordSource, parseJsonRecord } from '../domain/incoming-record';
import { RecordsService } from '../records.service';
import { fromProtoRecord } from './record.mapper';

const PROTOBUF = 'application/x-protobuf';

/**
 * Feeds the input topic into the record pipeline, one chunk of consecutive messages at a time:
 * each chunk is one database transaction, and its offsets are committed only after it.
 * Records are JSON unless the content-type header says protobuf (mlops.ingestion.v1.Record).
 */
@Injectable()
export class RecordsConsumer implements OnModuleInit {
  constructor(
    private readonly consumer: EventConsumer,
    private readonly records: RecordsService,
    @Inject(INGESTION_CONFIG) private readonly config: IngestionConfig,
  ) {}

  onModuleInit(): void {
    const { chunkSize, maxRecordBytes } = this.config;
    this.consumer.onRawBatch(
      RawTopics.recordsReceived,
      async (messages, topic, partition) => {
        await this.records.ingest(messages.map((m) => toIncoming(m, { kind: 'kafka', topic, partition, offset: m.offset }, maxRecordBytes)));
      },
      chunkSize,
    );
  }
}

function toIncoming(message: KafkaMessage, source: RecordSource, maxBytes: number): IncomingRecord {
  const payload = message.value ?? Buffer.alloc(0);
  const contentType = headerString(message.headers, Headers.contentType) ?? '';
  if (!contentType.startsWith(PROTOBUF)) return parseJsonRecord(payload, source, maxBytes);
  if (payload.length > maxBytes) return { source, payload, dataset: '', parseError: { code: 'OVERSIZE', reason: `record is ${payload.length} bytes, more than ${maxBytes}` } };
  try {
    return fromProtoRecord(ingestion.Record.decode(payload), '', source, payload);
  } catch (error) {
    return { source, payload, dataset: '', parseError: { code: 'MALFORMED_PROTOBUF', reason: `undecodable mlops.ingestion.v1.Record: ${(error as Error).message}` } };
  }
}
