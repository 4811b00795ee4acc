import { status } from '@grpc/grpc-js';
import { captureIO, fakeApi, fakeClients, grpcError } from '../../test/fakes';
import { runCli } from '../cli';

describe('registry commands', () => {
  const version = { modelName: 'churn', version: 3, status: 'VERSION_STATUS_READY', aliases: ['production'], artifactSha256: 'ab'.repeat(32), artifactSize: 960, signature: { inputs: [{ name: 'input', datatype: 'FP32', shape: [-1, 3] }], outputs: [], featureNames: ['a', 'b', 'c'] }, lineage: null, metrics: { accuracy: 0.91 }, tags: {}, createdAtMs: 0, description: '', statusMessage: '' };

  it('versions get takes a number or an alias', async () => {
    const registry = fakeApi('registry', () => version);
    const cap = captureIO({ clients: fakeClients({ registry }) });
    expect(await runCli(['versions', 'get', 'churn', '3'], cap.io)).toBe(0);
    expect(await runCli(['versions', 'get', 'churn', 'production', '--json'], cap.io)).toBe(0);
    expect(registry.calls).toEqual([
      { method: 'GetModelVersion', request: { modelName: 'churn', version: 3 } },
      { method: 'GetModelVersionByAlias', request: { modelName: 'churn', alias: 'production' } },
    ]);
    expect(cap.stdout()).toContain('input   input  FP32      [-1, 3]');
  });

  it('alias set refuses a version that is not a number before calling', async () => {
    const registry = fakeApi('registry', () => version);
    const cap = captureIO({ clients: fakeClients({ registry }) });
    expect(await runCli(['alias', 'set', 'churn', 'production', 'v3'], cap.io)).toBe(2);
    expect(cap.stderr()).toContain('error: <version> must be a positive whole number, got "v3"');
    expect(registry.calls).toEqual([]);
  });

  it('passes the registry\'s refusal through', async () => {
    const registry = fakeApi('registry', (method) => {
      throw grpcError('registry', method, status.FAILED_PRECONDITION, 'version 3 of "churn" needs an approval for production');
    });
    const cap = captureIO({ clients: fakeClients({ registry }) });
    expect(await runCli(['alias', 'set', 'churn', 'production', '3', '--reason', 'r'], cap.io)).toBe(1);
    expect(cap.stderr()).toBe('error: FAILED_PRECONDITION: version 3 of "churn" needs an approval for production (registry at fake-registry:1)\n');
  });
});
