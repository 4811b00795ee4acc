import { promises as fs } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { Topics } from '@mlops/contracts';
import { type RunningService, asPrincipal, grpcClient, readTopic, startPlatformService, testKafkaBrokers, uniqueName, waitFor } from '@mlops/testing';
import { platformModel } from './onnx-fixtures';

type Model = { name: string; tags: Record<string, string>; aliases: Record<string, number>; latestVersion: number; createdAtMs: number; lastUpdatedAtMs: number };
type Version = { modelName: string; version: number; description: string; tags: Record<string, string>; aliases: string[]; createdAtMs: number; lastUpdatedAtMs: number };

/**
 * The RPCs behind MLflow's registry API (rename, delete, tags, version updates, searches), over
 * real gRPC against the registry on the real database and broker.
 */
describe('registry: the MLflow registry RPCs', () => {
  let service: RunningService;
  let api: ReturnType<typeof grpcClient>;
  let artifactDir: string;
  let artifact: string;
  const name = (prefix: string) => uniqueName(prefix).replace(/_/g, '-');
  const tick = () => new Promise((r) => setTimeout(r, 5));
  const version = (modelName: string, extra: object = {}): Promise<Version> => api.CreateModelVersion({ modelName, artifactSha256: artifact, ...extra });
  const events = (model: string) => api.ListAuditEvents({ modelName: model }).then((r: { events: { actor: string; action: string; details: string }[] }) => r.events);

  beforeAll(async () => {
    artifactDir = await fs.mkdtemp(path.join(tmpdir(), 'registry-mlflow-it-'));
    service = await startPlatformService('registry', { env: { REGISTRY_ARTIFACT_DIR: artifactDir } });
    api = grpcClient(service.grpcAddress, 'mlops/registry/v1/registry.proto', 'mlops.registry.v1.RegistryService');
    artifact = (await api.UploadArtifact([{ data: platformModel().bytes }])).sha256;
  });
  afterAll(async () => {
    api?.close();
    await service?.stop();
    await fs.rm(artifactDir, { recursive: true, force: true });
  });

  it('renames a model: versions, aliases and approvals follow, the new name must be free', async () => {
    const [from, to, taken] = [name('old'), name('new'), name('taken')];
    await api.CreateRegisteredModel({ name: from, tags: { team: 'risk' } });
    await api.CreateRegisteredModel({ name: taken });
    await version(from);
    await version(from);
    await api.SetAlias({ modelName: from, alias: 'candidate', version: 2 });
    await api.ApproveVersion({ modelName: from, version: 2, alias: 'production', reason: 'ok' });
    const before: Model = await api.GetRegisteredModel({ name: from });
    await tick();

    const renamed: Model = await api.RenameRegisteredModel({ name: from, newName: to }, asPrincipal('eve', ['engineer']));
    expect(renamed).toMatchObject({ name: to, tags: { team: 'risk' }, aliases: { candidate: 2 }, latestVersion: 2, createdAtMs: before.createdAtMs });
    expect(renamed.lastUpdatedAtMs).toBeGreaterThan(before.lastUpdatedAtMs);
    await expect(api.GetRegisteredModel({ name: from })).rejects.toMatchObject({ code: 5 });
    expect((await api.ListModelVersions({ modelName: to })).versions.map((v: Version) => [v.modelName, v.version, v.aliases])).toEqual([[to, 1, []], [to, 2, ['candidate']]]);
    expect((await api.ListApprovals({ modelName: to })).approvals).toMatchObject([{ modelName: to, version: 2, alias: 'production' }]);
    expect((await version(to)).version).toBe(3);

    // Both lists page: versions oldest first, models by name, each token continuing after the last.
    const first = await api.ListModelVersions({ modelName: to, limit: 2 });
    expect(first.versions.map((v: Version) => v.version)).toEqual([1, 2]);
    const rest = await api.ListModelVersions({ modelName: to, limit: 2, pageToken: first.nextPageToken });
    expect([rest.versions.map((v: Version) => v.version), rest.nextPageToken]).toEqual([[3], '']);
    const names: string[] = [];
    for (let pageToken = '', pages = 0; pages < 1000; pages++) {
      const page = await api.ListRegisteredModels({ limit: 2, pageToken });
      expect(page.models.length).toBeLessThanOrEqual(2);
      names.push(...page.models.map((m: Model) => m.name));
      if (!(pageToken = page.nextPageToken)) break;
    }
    expect(names).toEqual([...names].sort());
    expect(new Set(names).size).toBe(names.length);
    expect(names).toEqual(expect.arrayContaining([to, taken]));
    await expect(api.ListRegisteredModels({ pageToken: 'not ours!' })).rejects.toMatchObject({ code: 3, details: 'page_token "not ours!" is not one this service gave' });
    await expect(api.ListModelVersions({ modelName: to, limit: 1001 })).rejects.toMatchObject({ code: 3 });

    await expect(api.RenameRegisteredModel({ name: to, newName: taken })).rejects.toMatchObject({ code: 6, details: `model "${taken}" already exists` });
    await expect(api.RenameRegisteredModel({ name: from, newName: name('x') })).rejects.toMatchObject({ code: 5, details: `model "${from}" does not exist` });
    await expect(api.RenameRegisteredModel({ name: to, newName: 'Bad Name' })).rejects.toMatchObject({ code: 3, details: expect.stringContaining('model name "Bad Name" must match') });
    await expect(api.RenameRegisteredModel({ name: to, newName: name('y') }, asPrincipal('vic', ['viewer']))).rejects.toMatchObject({ code: 7 });

    const [rename] = (await events(to)).filter((e) => e.action === 'model.rename');
    expect(rename!.actor).toBe('eve');
    expect(JSON.parse(rename!.details)).toEqual({ from, to, aliases: { candidate: 2 } });
    const changes = await waitFor(async () => {
      const all = (await readTopic(testKafkaBrokers(), Topics.aliasChanged.name, 1, { settleMs: 300 })).map((m) => Topics.aliasChanged.codec.decode(m.value!));
      const ours = all.filter((e) => (e.modelName === from || e.modelName === to) && e.changedBy === 'eve');
      return ours.length === 2 && ours;
    });
    // Keyed by model name, the two land on their own partitions: in no order relative to each other.
    expect(changes.map((c) => [c.modelName, c.alias, c.version, c.previousVersion]).sort((a, b) => Number(a[2]) - Number(b[2]))).toEqual([[from, 'candidate', 0, 2], [to, 'candidate', 2, 0]]);
  });

  it('deletes a model with its versions, but not while it serves production traffic', async () => {
    const model = name('gone');
    await version(model);
    await version(model);
    await api.SetAlias({ modelName: model, alias: 'production', version: 1 });
    await api.SetAlias({ modelName: model, alias: 'candidate', version: 2 });
    await expect(api.DeleteRegisteredModel({ name: model })).rejects.toMatchObject({
      code: 9,
      details: `model "${model}" serves traffic: its production alias points at version 1; delete the alias first`,
    });
    await api.DeleteAlias({ modelName: model, alias: 'production' });

    expect(await api.DeleteRegisteredModel({ name: model }, asPrincipal('dan', ['engineer']))).toEqual({ versionsDeleted: 2 });
    await expect(api.GetRegisteredModel({ name: model })).rejects.toMatchObject({ code: 5 });
    await expect(api.GetModelVersion({ modelName: model, version: 1 })).rejects.toMatchObject({ code: 5 });
    expect((await api.SearchModelVersions({ filter: `name = '${model}'` })).versions).toEqual([]);
    await expect(api.DeleteRegisteredModel({ name: model })).rejects.toMatchObject({ code: 5, details: `model "${model}" does not exist` });
    // The audit log keeps the model's history; the name is free again and starts over.
    const log = await events(model);
    expect(log[0]).toMatchObject({ actor: 'dan', action: 'model.delete' });
    expect(JSON.parse(log[0]!.details)).toEqual({ versions: 2, aliases: { candidate: 2 } });
    expect((await version(model)).version).toBe(1);
  });

  it('sets and deletes tags of models and versions, and updates a version\'s description', async () => {
    const model = name('tagged');
    const v1 = await version(model, { description: 'first', tags: { keep: 'me' } });
    await tick();
    const tagged: Model = await api.SetRegisteredModelTag({ name: model, key: 'team', value: 'risk' }, asPrincipal('tom', ['engineer']));
    expect(tagged.tags).toEqual({ team: 'risk' });
    expect((await api.SetRegisteredModelTag({ name: model, key: 'team', value: 'fraud' })).tags).toEqual({ team: 'fraud' });
    expect((await api.SetRegisteredModelTag({ name: model, key: 'empty', value: '' })).tags).toEqual({ team: 'fraud', empty: '' });
    expect((await api.DeleteRegisteredModelTag({ name: model, key: 'team' })).tags).toEqual({ empty: '' });
    await expect(api.DeleteRegisteredModelTag({ name: model, key: 'team' })).rejects.toMatchObject({ code: 5, details: `model "${model}" has no tag "team"` });
    await expect(api.SetRegisteredModelTag({ name: model, key: '', value: 'x' })).rejects.toMatchObject({ code: 3, details: 'tag key must not be empty' });
    await expect(api.SetRegisteredModelTag({ name: model, key: 'k', value: 'x'.repeat(5001) })).rejects.toMatchObject({ code: 3 });
    await expect(api.SetRegisteredModelTag({ name: name('nobody'), key: 'k', value: 'v' })).rejects.toMatchObject({ code: 5 });

    const set: Version = await api.SetModelVersionTag({ modelName: model, version: 1, key: 'stage', value: 'dev' });
    expect(set.tags).toEqual({ keep: 'me', stage: 'dev' });
    expect(set.lastUpdatedAtMs).toBeGreaterThan(v1.lastUpdatedAtMs);
    expect((await api.DeleteModelVersionTag({ modelName: model, version: 1, key: 'keep' })).tags).toEqual({ stage: 'dev' });
    await expect(api.DeleteModelVersionTag({ modelName: model, version: 1, key: 'keep' })).rejects.toMatchObject({ code: 5, details: `version 1 of "${model}" has no tag "keep"` });
    await expect(api.SetModelVersionTag({ modelName: model, version: 9, key: 'k', value: 'v' })).rejects.toMatchObject({ code: 5, details: `model "${model}" has no version 9` });

    const updated: Version = await api.UpdateModelVersion({ modelName: model, version: 1, description: 'better' });
    expect(updated).toMatchObject({ description: 'better', tags: { stage: 'dev' }, createdAtMs: v1.createdAtMs });
    expect((await api.UpdateModelVersion({ modelName: model, version: 1, description: '' })).description).toBe('better');
    await expect(api.UpdateModelVersion({ modelName: model, version: 0, description: 'x' })).rejects.toMatchObject({ code: 3, details: 'version must be 1 or more, got 0' });
    await expect(api.UpdateModelVersion({ modelName: model, version: 1, description: 'x' }, asPrincipal('vic', ['viewer']))).rejects.toMatchObject({ code: 7 });

    expect((await events(model)).map((e) => `${e.actor} ${e.action}`).slice(0, 8)).toEqual([
      'test-admin version.update',
      'test-admin version.tag.delete',
      'test-admin version.tag.set',
      'test-admin model.tag.delete',
      'test-admin model.tag.set',
      'test-admin model.tag.set',
      'tom model.tag.set',
      'test-admin version.create',
    ]);
  });

  it('searches registered models with MLflow\'s filters and orders, page by page', async () => {
    const prefix = name('search');
    const models = ['b', 'a', 'c', 'd'].map((s) => `${prefix}-${s}`);
    for (const [i, model] of models.entries()) await api.CreateRegisteredModel({ name: model, tags: { team: i % 2 === 0 ? 'risk' : 'growth' } });
    await tick();
    await api.SetRegisteredModelTag({ name: models[1], key: 'touched', value: 'yes' });
    const search = async (request: object): Promise<string[]> => (await api.SearchRegisteredModels(request)).models.map((m: Model) => m.name);

    expect(await search({ filter: `name LIKE '${prefix}-%'` })).toEqual([...models].sort());
    expect(await search({ filter: `name ILIKE '${prefix.toUpperCase()}-_'`, orderBy: ['name DESC'] })).toEqual([...models].sort().reverse());
    expect(await search({ filter: `name LIKE '${prefix}%' AND tags.team = 'risk'` })).toEqual([models[0], models[2]].sort());
    expect(await search({ filter: `name = '${models[3]}'` })).toEqual([models[3]]);
    expect((await search({ filter: `name LIKE '${prefix}%'`, orderBy: ['last_updated_timestamp DESC'] }))[0]).toBe(models[1]);
    expect(await search({ filter: `name LIKE '${prefix}%'`, orderBy: ['creation_timestamp ASC'] })).toEqual(models);

    const pages: string[][] = [];
    let pageToken = '';
    do {
      const page = await api.SearchRegisteredModels({ filter: `name LIKE '${prefix}%'`, maxResults: 3, pageToken }, asPrincipal('vic', ['viewer']));
      pages.push(page.models.map((m: Model) => m.name));
      pageToken = page.nextPageToken;
    } while (pageToken && pages.length < 5);
    expect(pages).toEqual([[...models].sort().slice(0, 3), [...models].sort().slice(3)]);

    const first = await api.SearchRegisteredModels({ filter: `name LIKE '${prefix}%'`, maxResults: 1 });
    await expect(api.SearchRegisteredModels({ filter: `name LIKE '${prefix}-a%'`, pageToken: first.nextPageToken })).rejects.toMatchObject({ code: 3, details: expect.stringContaining('belongs to another search') });
    await expect(api.SearchRegisteredModels({ filter: "name = 'a' AND run_id = 'r'" })).rejects.toMatchObject({ code: 3, details: 'unknown attribute "run_id" for registered models (name; tags need tags.<key>)' });
    await expect(api.SearchRegisteredModels({ filter: "name = 'a' OR name = 'b'" })).rejects.toMatchObject({ code: 3, details: expect.stringContaining('at "OR name') });
    await expect(api.SearchRegisteredModels({ orderBy: ['version_number'] })).rejects.toMatchObject({ code: 3, details: expect.stringContaining('cannot order registered models by "version_number"') });
    await expect(api.SearchRegisteredModels({ maxResults: 1001 })).rejects.toMatchObject({ code: 3, details: 'max_results must be between 1 and 1000 (0 means 100), got 1001' });
    await expect(api.SearchRegisteredModels({ filter: `name = '${'x'.repeat(4000)}'` })).rejects.toMatchObject({ code: 3, details: expect.stringContaining('more than 4000') });
  });

  it('searches versions across models by name, number, run, source and tag', async () => {
    const [m1, m2] = [name('sv-a'), name('sv-b')];
    const run = name('run');
    await version(m1, { lineage: { runId: `${run}-1` }, tags: { 'mlflow.source': `mlflow-artifacts:/7/${run}-1/artifacts/model`, stage: 'dev' } });
    await version(m1, { lineage: { runId: `${run}-2` } });
    await version(m1);
    await version(m2, { lineage: { runId: `${run}-1` }, tags: { stage: 'prod' } });
    await tick();
    await api.SetModelVersionTag({ modelName: m1, version: 2, key: 'touched', value: 'yes' });
    await api.SetAlias({ modelName: m1, alias: 'candidate', version: 3 });
    const search = async (request: object): Promise<string[]> => (await api.SearchModelVersions(request)).versions.map((v: Version) => `${v.modelName === m1 ? 'a' : 'b'}${v.version}`);

    // MLflow's default order: last updated first, then name, then newest version.
    expect(await search({ filter: `name IN ('${m1}', '${m2}')` })).toEqual(['a2', 'b1', 'a3', 'a1']);
    expect(await search({ filter: `name = '${m1}' AND version_number > 1`, orderBy: ['version_number ASC'] })).toEqual(['a2', 'a3']);
    expect(await search({ filter: `name = '${m1}' AND version_number IN (1, 3)`, orderBy: ['version_number'] })).toEqual(['a1', 'a3']);
    expect(await search({ filter: `run_id = '${run}-1'`, orderBy: ['name'] })).toEqual(['a1', 'b1']);
    expect(await search({ filter: `run_id IN ('${run}-2', 'nope')` })).toEqual(['a2']);
    expect(await search({ filter: `source_path LIKE 'mlflow-artifacts:/7/${run}%'` })).toEqual(['a1']);
    expect(await search({ filter: `name = '${m1}' AND source_path = 'mlflow-artifacts:/sha256/${artifact}'`, orderBy: ['version_number'] })).toEqual(['a2', 'a3']);
    expect(await search({ filter: `name LIKE '${m1}%' AND tags.stage = 'dev'` })).toEqual(['a1']);
    expect(await search({ filter: `name IN ('${m1}', '${m2}') AND tags.stage != 'dev'` })).toEqual(['b1']);
    const [withAlias] = (await api.SearchModelVersions({ filter: `name = '${m1}' AND version_number = 3` })).versions;
    expect(withAlias).toMatchObject({ aliases: ['candidate'], lineage: { source: 'upload' } });

    const filter = `name IN ('${m1}', '${m2}')`;
    const first = await api.SearchModelVersions({ filter, orderBy: ['version_number DESC'], maxResults: 3 });
    const rest = await api.SearchModelVersions({ filter, orderBy: ['version_number DESC'], maxResults: 3, pageToken: first.nextPageToken });
    expect([...first.versions, ...rest.versions].map((v: Version) => `${v.modelName === m1 ? 'a' : 'b'}${v.version}`)).toEqual(['a3', 'a2', 'a1', 'b1']);
    expect(rest.nextPageToken).toBe('');
    await expect(api.SearchModelVersions({ filter, pageToken: 'forged' })).rejects.toMatchObject({ code: 3, details: 'page_token "forged" is not one this service gave' });
    await expect(api.SearchModelVersions({ filter: "version_number = 'one'" })).rejects.toMatchObject({ code: 3, details: expect.stringContaining(`at "'one'": version_number must be compared with a whole number`) });
    await expect(api.SearchModelVersions({ filter: "metrics.auc > 0.5" })).rejects.toMatchObject({ code: 3, details: expect.stringContaining('unknown entity "metrics"') });
  });
});
