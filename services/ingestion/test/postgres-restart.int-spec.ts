import { Kafka, logLevel } from 'kafkajs';
import { Client } from 'pg';
import { RawTopics } from '@mlops/contracts';
import { PrivateKafkaBroker, PrivatePostgres, createTopics, freePort, grpcClient, httpGet, startPlatformService, uniqueName, waitFor } from '@mlops/testing';
import { trip, tripsDataset } from './ingestion-fixtures';

/**
 * Postgres restarted in the middle of a stream (issue 7), on a server of the test's own: the
 * service reports not ready while the database is away, does not exit, and when it returns
 * every record is stored exactly once and the outbox drains (every accepted record announced).
 */
describe('ingestion across a Postgres restart', () => {
  it('stores every record once and drains the outbox, without a restart of the service', async () => {
    const total = 10_000;
    const postgres = new PrivatePostgres(await freePort());
    const broker = new PrivateKafkaBroker(await freePort());
    await Promise.all([postgres.start(), broker.start()]);
    await createTopics(broker.brokers, [RawTopics.recordsReceived], 3);
    const service = await startPlatformService('ingestion', { env: { DATABASE_URL: postgres.url }, kafkaBrokers: broker.brokers });
    const api = grpcClient(service.grpcAddress, 'mlops/ingestion/v1/ingestion.proto', 'mlops.ingestion.v1.IngestionService');
    const producer = new Kafka({ brokers: broker.brokers, logLevel: logLevel.NOTHING }).producer({ idempotent: true, maxInFlightRequests: 1 });
    const dataset = uniqueName('pg-restart').replace(/_/g, '-');
    const sql = new Client({ connectionString: postgres.url });
    try {
      await api.RegisterDataset(tripsDataset(dataset));
      await producer.connect();
      for (let from = 0; from < total; from += 1000) {
        const messages = Array.from({ length: 1000 }, (_, k) => ({ key: String((from + k) % 10), value: JSON.stringify({ dataset, record_id: `p${from + k}`, fields: trip(from + k) }) }));
        await producer.send({ topic: RawTopics.recordsReceived, messages });
      }
      const before = await waitFor(async () => {
        const { recordCount } = await api.GetDataset({ dataset });
        return recordCount >= 1000 && recordCount;
      }, { timeoutMs: 60_000, what: 'ingestion to be storing' });

      await postgres.stop();
      const notReady = await waitFor(async () => {
        const r = await httpGet(`${service.httpUrl}/health/ready`);
        return r.status === 503 && r.body;
      }, { timeoutMs: 20_000, what: 'readiness to report the database away' });
      await new Promise((r) => setTimeout(r, 3000));
      await postgres.start();

      const stored = await waitFor(async () => {
        const { recordCount } = await api.GetDataset({ dataset }).catch(() => ({ recordCount: 0 }));
        return recordCount >= total && recordCount;
      }, { timeoutMs: 180_000, what: `${total} stored records` });
      await new Promise((r) => setTimeout(r, 3000));
      expect((await api.GetDataset({ dataset })).recordCount).toBe(total);
      await sql.connect();
      const distinct = await sql.query(`SELECT count(DISTINCT record_id)::int AS n FROM "${service.schema}".records WHERE dataset = $1`, [dataset]);
      const waiting = await waitFor(async () => {
        const r = await sql.query(`SELECT count(*)::int AS n FROM "${service.schema}".outbox_events WHERE published_at IS NULL`);
        return r.rows[0].n === 0 && 'drained';
      }, { timeoutMs: 60_000, what: 'the outbox to drain' });
      // Accepted records are announced in chunks through the outbox, in the transaction that stores them.
      const published = await sql.query(`SELECT count(*)::int AS n FROM "${service.schema}".outbox_events WHERE published_at IS NOT NULL`);
      expect(published.rows[0].n).toBeGreaterThan(0);
      expect((await httpGet(`${service.httpUrl}/health/ready`)).status).toBe(200);
      console.log(`stored ${before} before the restart (readiness then: ${notReady.trim().slice(0, 120)}); after it: ${stored} stored, ${distinct.rows[0].n} distinct ids, outbox ${waiting} (${published.rows[0].n} events published)`);
      expect(distinct.rows[0].n).toBe(total);
      expect(await Promise.race([service.proc.exitCode(), new Promise((r) => setTimeout(() => r('running'), 100))])).toBe('running');
    } finally {
      await sql.end().catch(() => undefined);
      await producer.disconnect().catch(() => undefined);
      api.close();
      await service.stop();
      await postgres.wipe();
      await broker.wipe();
    }
  }, 300_000);
});
