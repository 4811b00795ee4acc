import { promises as fs } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { Client } from 'pg';
import { type RunningService, asPrincipal, grpcClient, startPlatformService, testDatabaseUrl, uniqueName } from '@mlops/testing';

const CREATE = '/mlops.registry.v1.RegistryService/CreateRegisteredModel';

/**
 * The audit record of a change commits in the change's own transaction (issue 19): a crash
 * between them cannot lose it, and a change whose record cannot be written is not made.
 */
describe('audit records in the transaction of their change', () => {
  let service: RunningService;
  let api: ReturnType<typeof grpcClient>;
  let db: Client;
  let artifactDir: string;
  const name = (prefix: string) => uniqueName(prefix).replace(/_/g, '-');
  const recordsOf = async (model: string) =>
    (await db.query(`SELECT outcome, xmin::text AS tx FROM "${service.schema}".audit_records WHERE action = $1 AND request_json LIKE $2 ORDER BY id`, [CREATE, `%"${model}"%`])).rows as Array<{ outcome: string; tx: string }>;

  beforeAll(async () => {
    artifactDir = await fs.mkdtemp(path.join(tmpdir(), 'registry-audit-'));
    service = await startPlatformService('registry', { env: { REGISTRY_ARTIFACT_DIR: artifactDir } });
    api = grpcClient(service.grpcAddress, 'mlops/registry/v1/registry.proto', 'mlops.registry.v1.RegistryService');
    db = new Client({ connectionString: testDatabaseUrl() });
    await db.connect();
  });
  afterAll(async () => {
    api?.close();
    await db?.end();
    await service?.stop();
    await fs.rm(artifactDir, { recursive: true, force: true });
  });

  it('writes the record of a change in the transaction that made it, once', async () => {
    const model = name('audited');
    await api.CreateRegisteredModel({ name: model }, asPrincipal('alice', ['engineer']));
    const [{ tx }] = (await db.query(`SELECT xmin::text AS tx FROM "${service.schema}".registered_models WHERE name = $1`, [model])).rows;
    // xmin is the id of the transaction that wrote the row: the same for both rows.
    expect(await recordsOf(model)).toEqual([{ outcome: 'OK', tx }]);
  });

  it('records a refused change once, with its status, after the handler', async () => {
    const model = `${name('bad')} has spaces`;
    await expect(api.CreateRegisteredModel({ name: model }, asPrincipal('alice', ['engineer']))).rejects.toMatchObject({ code: 3 });
    expect((await recordsOf(model)).map((r) => r.outcome)).toEqual(['INVALID_ARGUMENT']);
  });

  it('does not make a change whose audit record cannot be written', async () => {
    const model = name('unaudited');
    const table = `"${service.schema}".audit_records`;
    // A database that refuses this one record (a full disk, a constraint) stands in for a crash
    // between the change and its record.
    await db.query(`CREATE FUNCTION "${service.schema}".refuse_audit() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'audit refused by the test'; END $$`);
    await db.query(`CREATE TRIGGER refuse_audit BEFORE INSERT ON ${table} FOR EACH ROW WHEN (NEW.request_json LIKE '%${model}%') EXECUTE FUNCTION "${service.schema}".refuse_audit()`);
    try {
      await expect(api.CreateRegisteredModel({ name: model }, asPrincipal('alice', ['engineer']))).rejects.toMatchObject({ code: expect.any(Number) });
    } finally {
      await db.query(`DROP TRIGGER refuse_audit ON ${table}`);
      await db.query(`DROP FUNCTION "${service.schema}".refuse_audit()`);
    }
    await expect(api.GetRegisteredModel({ name: model })).rejects.toMatchObject({ code: 5 });
    expect((await db.query(`SELECT count(*)::int AS n FROM "${service.schema}".registered_models WHERE name = $1`, [model])).rows[0].n).toBe(0);
  });
});
