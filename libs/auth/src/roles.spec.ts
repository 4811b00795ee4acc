import { RPC_ACCESS, SERVICE_MUTATIONS, SERVICE_ROLES, allows, allowsCall, httpAccess, rpcAccess } from './roles';

describe('access policy', () => {
  it('lets every role read, admin do everything, and each role its own changes', () => {
    const setAlias = rpcAccess('/mlops.registry.v1.RegistryService/SetAlias');
    expect(setAlias).toEqual({ public: false, access: { role: 'approver', mutates: true } });
    const access = (setAlias as { access: { role: 'approver'; mutates: boolean } }).access;
    expect(allows(['approver'], access)).toBe(true);
    expect(allows(['admin'], access)).toBe(true);
    expect(allows(['engineer', 'producer'], access)).toBe(false);
    expect(allows(['producer'], { role: 'viewer', mutates: false })).toBe(true);
  });

  it('keeps data and model bytes from viewer tokens: reader, engineer, approver and admin read them', () => {
    for (const path of ['/mlops.registry.v1.RegistryService/DownloadArtifact', '/mlops.ingestion.v1.IngestionService/ReadDatasetVersion', '/mlops.ingestion.v1.IngestionService/ReadDatasetVersionBatches', '/mlops.features.v1.FeatureStoreService/ReadSnapshot', '/mlops.ingestion.v1.IngestionService/ListRejectedRecords']) {
      const { access } = rpcAccess(path) as { access: { role: 'reader'; mutates: boolean } };
      expect({ path, access }).toEqual({ path, access: { role: 'reader', mutates: false } });
      expect(allows(['viewer'], access)).toBe(false);
      expect(allows(['producer'], access)).toBe(false);
      for (const roles of [['reader'], ['engineer'], ['approver'], ['admin']] as const) expect(allows(roles, access)).toBe(true);
    }
    expect((httpAccess('GET', '/api/snapshots/:id/rows') as { access: { role: string } }).access.role).toBe('reader');
    expect((httpAccess('GET', '/api/2.0/mlflow-artifacts/artifacts/*path') as { access: { role: string } }).access.role).toBe('reader');
    // Descriptions stay open to every token.
    expect(allows(['viewer'], (rpcAccess('/mlops.registry.v1.RegistryService/GetModelVersion') as { access: { role: 'viewer'; mutates: boolean } }).access)).toBe(true);
    // The services that read bytes can.
    for (const service of ['feature-store', 'training', 'serving', 'monitoring']) expect(allows(SERVICE_ROLES[service]!, { role: 'reader', mutates: false })).toBe(true);
  });

  it('keeps only liveness and readiness public and leaves unlisted methods to admin', () => {
    expect(rpcAccess('/grpc.health.v1.Health/Check')).toEqual({ public: true });
    expect(rpcAccess('/inference.GRPCInferenceService/ModelInfer')).toMatchObject({ public: false });
    expect(rpcAccess('/x.Y/Z')).toEqual({ public: false, access: undefined });
    expect(httpAccess('get', '/health/ready')).toEqual({ public: true });
    expect(httpAccess('GET', '/metrics')).toMatchObject({ public: false, access: { role: 'viewer' } });
  });

  it('lets a service identity make only the changes listed for it', () => {
    const access = (path: string) => (rpcAccess(path) as { access: { role: 'viewer'; mutates: boolean } }).access;
    const setAlias = '/mlops.registry.v1.RegistryService/SetAlias';
    const approve = '/mlops.registry.v1.RegistryService/ApproveVersion';
    expect(allowsCall('service:serving', ['approver'], setAlias, access(setAlias))).toBe(true);
    expect(allowsCall('service:serving', ['approver'], approve, access(approve))).toBe(false);
    expect(allowsCall('carol', ['approver'], approve, access(approve))).toBe(true);
    const read = '/mlops.registry.v1.RegistryService/GetModelVersion';
    expect(allowsCall('service:monitoring', ['viewer'], read, access(read))).toBe(true);
    // Every listed change exists, is a change, and is one the service's roles allow.
    for (const [service, paths] of Object.entries(SERVICE_MUTATIONS)) {
      for (const path of paths) {
        const rule = RPC_ACCESS[path];
        expect({ service, path, mutates: typeof rule === 'object' && rule.mutates }).toEqual({ service, path, mutates: true });
        expect(allows(SERVICE_ROLES[service]!, rule as never)).toBe(true);
      }
    }
  });
});
