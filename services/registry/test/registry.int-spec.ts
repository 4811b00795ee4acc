import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import * as ort from 'onnxruntime-node';
import { Topics } from '@mlops/contracts';
import { type RunningService, grpcClient, readTopic, startPlatformService, testKafkaBrokers, uniqueName, waitFor, asPrincipal } from '@mlops/testing';
import { foreignModel, platformModel } from './onnx-fixtures';

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

/** The registry against the real broker, database and filesystem, through its gRPC API. */
describe('registry', () => {
  let service: RunningService;
  let api: ReturnType<typeof grpcClient>;
  let artifactDir: string;
  const name = (prefix: string) => uniqueName(prefix).replace(/_/g, '-');
  const as = (principal: string) => asPrincipal(principal);
  const upload = async (bytes: Buffer) => api.UploadArtifact([{ data: bytes.subarray(0, 100) }, { data: bytes.subarray(100) }]);

  beforeAll(async () => {
    artifactDir = await fs.mkdtemp(path.join(tmpdir(), 'registry-it-'));
    service = await startPlatformService('registry', { env: { REGISTRY_ARTIFACT_DIR: artifactDir } });
    api = grpcClient(service.grpcAddress, 'mlops/registry/v1/registry.proto', 'mlops.registry.v1.RegistryService');
  });
  afterAll(async () => {
    api?.close();
    await service?.stop();
    await fs.rm(artifactDir, { recursive: true, force: true });
  });

  it('stores artifacts content-addressed and checks them on every read', async () => {
    const { bytes } = platformModel();
    const stored = await upload(bytes);
    expect(stored).toEqual({ sha256: sha256(bytes), size: bytes.length });
    expect(await upload(bytes)).toEqual(stored);
    const chunks = await api.DownloadArtifact({ sha256: stored.sha256 });
    expect(Buffer.concat(chunks.map((c: { data: Buffer }) => c.data))).toEqual(bytes);

    const copy = Buffer.from('not the model');
    const { sha256: other } = await upload(copy);
    await fs.writeFile(path.join(artifactDir, 'sha256', other.slice(0, 2), other), 'tampered');
    await expect(api.DownloadArtifact({ sha256: other })).rejects.toMatchObject({ code: 15 });
    await expect(api.DownloadArtifact({ sha256: '0'.repeat(64) })).rejects.toMatchObject({ code: 5 });
  });

  it('registers a version with its signature, lineage and event, once per idempotency key', async () => {
    const model = name('churn');
    const { bytes } = platformModel();
    const { sha256: artifact } = await upload(bytes);
    const request = {
      modelName: model,
      artifactSha256: artifact,
      idempotencyKey: `run:${model}`,
      metrics: { accuracy: 0.91 },
      lineage: { runId: 'run-1', jobId: 'job-1', snapshotId: 'snap-1', featureView: 'users', featureViewVersion: 2, dataset: 'events', datasetVersion: 7, datasetContentHash: 'abc' },
    };
    const v1 = await api.CreateModelVersion(request, as('alice'));
    expect(v1).toMatchObject({ modelName: model, version: 1, status: 'VERSION_STATUS_READY', artifactSize: bytes.length, metrics: { accuracy: 0.91 } });
    expect(v1.signature.featureNames).toEqual(['age', 'income', 'tenure']);
    expect(v1.signature.inputs).toEqual([{ name: 'input', datatype: 'FP32', shape: [-1, 3] }]);
    expect(v1.signature.outputs.map((o: { name: string }) => o.name)).toEqual(['label', 'probabilities']);
    expect((await api.CreateModelVersion(request)).version).toBe(1);

    const lineage = await api.GetLineage({ modelName: model, version: 1 });
    expect(lineage.lineage).toMatchObject({ runId: 'run-1', snapshotId: 'snap-1', featureView: 'users', featureViewVersion: 2, dataset: 'events', datasetVersion: 7, datasetContentHash: 'abc', source: 'training' });
    const event = await waitFor(async () =>
      (await readTopic(testKafkaBrokers(), Topics.modelVersionRegistered.name, 1, { settleMs: 300 }))
        .map((m) => Topics.modelVersionRegistered.codec.decode(m.value!))
        .filter((e) => e.modelName === model),
    );
    expect(event).toEqual([{ modelName: model, version: 1, artifactSha256: artifact, runId: 'run-1' }]);
  });

  it('moves aliases under the promotion policy, with approvals and an audit trail', async () => {
    const model = name('fraud');
    await api.CreateRegisteredModel({ name: model, promotionPolicy: 'PROMOTION_POLICY_REQUIRES_APPROVAL' }, as('admin'));
    const { sha256: artifact } = await upload(platformModel().bytes);
    await api.CreateModelVersion({ modelName: model, artifactSha256: artifact });
    await api.CreateModelVersion({ modelName: model, artifactSha256: artifact });

    expect((await api.SetAlias({ modelName: model, alias: 'candidate', version: 2, reason: 'new run' }, as('ci'))).aliases).toEqual(['candidate']);
    await expect(api.SetAlias({ modelName: model, alias: 'production', version: 2 }, as('ci'))).rejects.toMatchObject({
      code: 9,
      details: `model "${model}" requires an approval before version 2 becomes production`,
    });
    await api.ApproveVersion({ modelName: model, version: 2, alias: 'production', reason: 'reviewed metrics' }, as('carol'));
    await api.SetAlias({ modelName: model, alias: 'production', version: 2, reason: 'approved' }, as('ci'));
    expect((await api.GetModelVersionByAlias({ modelName: model, alias: 'production' })).version).toBe(2);
    expect((await api.GetRegisteredModel({ name: model })).aliases).toEqual({ candidate: 2, production: 2 });
    await expect(api.SetAlias({ modelName: model, alias: 'production', version: 9 })).rejects.toMatchObject({ code: 5 });
    await expect(api.SetAlias({ modelName: model, alias: 'Prod!', version: 1 })).rejects.toMatchObject({ code: 3 });

    const { events } = await api.ListAuditEvents({ modelName: model });
    expect(events.map((e: { actor: string; action: string }) => `${e.actor} ${e.action}`)).toEqual([
      'ci alias.set',
      'carol version.approve',
      'ci alias.set',
      'test-admin version.create',
      'test-admin version.create',
      'admin model.create',
    ]);
    expect(JSON.parse(events[0].details)).toMatchObject({ alias: 'production', version: 2, previous: 0, reason: 'approved' });

    // Approvals, newest first; one given again moves to the front with its new approver.
    await api.ApproveVersion({ modelName: model, version: 1, alias: 'candidate', reason: 'baseline' }, as('dave'));
    const approvals = (await api.ListApprovals({ modelName: model })).approvals;
    expect(approvals.map((a: { version: number; alias: string; approvedBy: string; reason: string }) => [a.version, a.alias, a.approvedBy, a.reason])).toEqual([
      [1, 'candidate', 'dave', 'baseline'],
      [2, 'production', 'carol', 'reviewed metrics'],
    ]);
    expect(approvals[0].approvedAtMs).toBeGreaterThanOrEqual(approvals[1].approvedAtMs);
    await api.ApproveVersion({ modelName: model, version: 2, alias: 'production', reason: 'reviewed again' }, as('erin'));
    expect((await api.ListApprovals({ modelName: model })).approvals.map((a: { approvedBy: string }) => a.approvedBy)).toEqual(['erin', 'dave']);
    const firstPage = await api.ListApprovals({ modelName: model, limit: 1 });
    expect(firstPage.approvals.map((a: { approvedBy: string }) => a.approvedBy)).toEqual(['erin']);
    expect(await api.ListApprovals({ modelName: model, limit: 1, pageToken: firstPage.nextPageToken })).toMatchObject({ approvals: [{ approvedBy: 'dave' }], nextPageToken: '' });
    await expect(api.ListApprovals({ modelName: name('nobody') })).rejects.toMatchObject({ code: 5, details: expect.stringContaining('does not exist') });

    const changes = await waitFor(async () => {
      const all = (await readTopic(testKafkaBrokers(), Topics.aliasChanged.name, 1, { settleMs: 300 })).map((m) => Topics.aliasChanged.codec.decode(m.value!)).filter((e) => e.modelName === model);
      return all.length === 2 && all;
    });
    expect(changes.map((c) => [c.alias, c.version, c.changedBy])).toEqual([['candidate', 2, 'ci'], ['production', 2, 'ci']]);
  });

  it('pages through the audit log newest first, by model and by actor', async () => {
    const model = name('audited');
    const [ann, ben] = [name('ann'), name('ben')];
    const { sha256: artifact } = await upload(platformModel().bytes);
    await api.CreateRegisteredModel({ name: model }, as(ann));
    for (let i = 0; i < 6; i++) await api.CreateModelVersion({ modelName: model, artifactSha256: artifact }, as(i % 2 === 0 ? ben : ann));
    type Event = { id: number; actor: string; action: string; details: string };
    const summary = (e: Event) => `${e.actor} ${e.action} ${JSON.parse(e.details).version ?? ''}`.trim();
    const all: Event[] = (await api.ListAuditEvents({ modelName: model })).events;
    expect(all.map(summary)).toEqual([`${ann} version.create 6`, `${ben} version.create 5`, `${ann} version.create 4`, `${ben} version.create 3`, `${ann} version.create 2`, `${ben} version.create 1`, `${ann} model.create`]);

    const pages: Event[][] = [];
    let pageToken = '';
    do {
      const page = await api.ListAuditEvents({ modelName: model, limit: 3, pageToken });
      pages.push(page.events);
      pageToken = page.nextPageToken;
    } while (pageToken && pages.length < 5);
    expect(pages.map((p) => p.length)).toEqual([3, 3, 1]);
    expect(pages.flat().map((e) => e.id)).toEqual(all.map((e) => e.id));
    // A page that ends exactly at the oldest event has no token.
    expect((await api.ListAuditEvents({ modelName: model, limit: 7 })).nextPageToken).toBe('');

    // By actor, across models (only ben acted as ben), and by actor within a model, paged too.
    expect((await api.ListAuditEvents({ actor: ben })).events.map(summary)).toEqual([`${ben} version.create 5`, `${ben} version.create 3`, `${ben} version.create 1`]);
    const first = await api.ListAuditEvents({ modelName: model, actor: ann, limit: 2 });
    const rest = await api.ListAuditEvents({ modelName: model, actor: ann, limit: 2, pageToken: first.nextPageToken });
    expect([...first.events, ...rest.events].map(summary)).toEqual([`${ann} version.create 6`, `${ann} version.create 4`, `${ann} version.create 2`, `${ann} model.create`]);
    expect(rest.nextPageToken).toBe('');

    for (const pageToken of ['not-a-token', '-1', '0', '1.5']) {
      await expect(api.ListAuditEvents({ modelName: model, pageToken })).rejects.toMatchObject({ code: 3, details: `page_token "${pageToken}" is not one this service gave` });
    }
  });

  it('takes models trained elsewhere: the signature comes from the graph and the outputs are unchanged', async () => {
    const model = name('external');
    const bytes = foreignModel();
    const header = { header: { modelName: model, description: 'sklearn via skl2onnx', tags: { framework: 'sklearn' }, featureNames: ['a', 'b', 'c', 'd'] } };
    const version = await api.UploadModel([header, { chunk: bytes.subarray(0, 64) }, { chunk: bytes.subarray(64) }], as('bob'));
    expect(version).toMatchObject({ modelName: model, version: 1, status: 'VERSION_STATUS_READY', artifactSha256: sha256(bytes), tags: { framework: 'sklearn' } });
    expect(version.signature).toEqual({
      inputs: [{ name: 'float_input', datatype: 'FP32', shape: [-1, 4] }],
      outputs: [{ name: 'output_probability', datatype: 'FP32', shape: [-1, 3] }],
      featureNames: ['a', 'b', 'c', 'd'],
    });
    expect(version.lineage.source).toBe('upload');

    const stored = Buffer.concat((await api.DownloadArtifact({ sha256: version.artifactSha256 })).map((c: { data: Buffer }) => c.data));
    const input = new ort.Tensor('float32', Float32Array.from([1, 2, 3, 4, -1, 0.5, 0, 2]), [2, 4]);
    const run = async (model: Buffer) => (await (await ort.InferenceSession.create(model)).run({ float_input: input })).output_probability.data as Float32Array;
    expect(Array.from(await run(stored))).toEqual(Array.from(await run(bytes)));

    const broken = await api.UploadModel([{ header: { modelName: model } }, { chunk: Buffer.from('definitely not onnx') }]);
    expect(broken).toMatchObject({ version: 2, status: 'VERSION_STATUS_FAILED' });
    expect(broken.statusMessage).toMatch(/^not a valid ONNX model/);
    await expect(api.SetAlias({ modelName: model, alias: 'production', version: 2 })).rejects.toMatchObject({ code: 9 });
    await expect(api.UploadModel([{ chunk: bytes }])).rejects.toMatchObject({ code: 3 });
  });

  it('registers the model of a completed training run once, and only when its gate passed', async () => {
    const model = name('trained');
    const { bytes } = platformModel();
    const { sha256: artifact } = await upload(bytes);
    const producer = new Kafka({ brokers: testKafkaBrokers(), logLevel: logLevel.NOTHING }).producer();
    await producer.connect();
    const send = (runId: string, gatePassed: boolean, eventId: string) => {
      const value = Buffer.from(Topics.trainingRunCompleted.codec.encode(Topics.trainingRunCompleted.codec.fromPartial({
        runId, jobId: `job-${runId}`, modelName: model, artifactSha256: artifact, metrics: { auc: 0.8 }, gatePassed, snapshotId: 'snap-9', featureView: 'fv', featureViewVersion: 1, dataset: 'ds', datasetVersion: 3, datasetContentHash: 'h', featureNames: ['age', 'income', 'tenure'], algorithm: 'logistic_regression',
      })).finish());
      return producer.send({ topic: Topics.trainingRunCompleted.name, messages: [{ key: model, value, headers: { 'event-id': eventId, 'content-type': 'application/x-protobuf; type=mlops.events.v1.TrainingRunCompleted' } }] });
    };
    await send(`${model}-r1`, true, `${model}-e1`);
    await send(`${model}-r1`, true, `${model}-e1`); // a redelivery
    await send(`${model}-r1`, true, `${model}-e2`); // a replay with another event id
    await send(`${model}-r2`, false, `${model}-e3`);
    await producer.disconnect();

    const versions = await waitFor(async () => {
      const list = await api.ListModelVersions({ modelName: model }).catch(() => undefined);
      return list?.versions.length === 1 && list.versions;
    });
    await new Promise((r) => setTimeout(r, 2000));
    expect((await api.ListModelVersions({ modelName: model })).versions).toHaveLength(1);
    expect(versions[0]).toMatchObject({ version: 1, status: 'VERSION_STATUS_READY', metrics: { auc: 0.8 }, lineage: { runId: `${model}-r1`, jobId: `job-${model}-r1`, datasetVersion: 3, source: 'training' } });
  });
});
