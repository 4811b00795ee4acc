import { allows, httpAccess, rpcAccess } from './roles';

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

  it('keeps only liveness and readiness public and leaves unlisted methods to admin', () => {
    expect(rpcAccess('/grpc.health.v1.Health/Check')).toEqual({ public: true });
    expect(rpcAccess('/inference.GRPCInferenceService/ModelInfer')).toMatchObject({ public: false });
    expect(rpcAccess('/x.Y/Z')).toEqual({ public: false, access: undefined });
    expect(httpAccess('get', '/health/ready')).toEqual({ public: true });
    expect(httpAccess('GET', '/metrics')).toMatchObject({ public: false, access: { role: 'viewer' } });
  });
});
