import { status } from '@grpc/grpc-js';
import { captureIO, fakeApi, fakeClients, grpcError } from '../test/fakes';
import { resolveCommand, runCli } from './cli';

describe('command resolution', () => {
  it('finds the command by its words, with options before or after them', () => {
    expect(resolveCommand(['deployments', 'policy', 'set', 'churn', '--manual']).node.path).toBe('deployments policy set');
    const early = resolveCommand(['--json', '--correlation-id', 'models', 'models', 'list']);
    expect(early.node.path).toBe('models list');
    expect(early.rest).toEqual(['--json', '--correlation-id', 'models']);
    // A word after a complete command is its argument.
    expect(resolveCommand(['timeline', 'list']).rest).toEqual(['list']);
    expect(resolveCommand(['models', 'lst']).unknown).toBe('lst');
  });
});

describe('runCli', () => {
  it('prints help for everything, a group and a command, exit 0', async () => {
    const all = captureIO();
    expect(await runCli(['--help'], all.io)).toBe(0);
    expect(all.stdout()).toContain('deployments policy set <model>');
    const group = captureIO();
    expect(await runCli(['deployments', '--help'], group.io)).toBe(0);
    expect(group.stdout()).toMatch(/^usage: mlops deployments <command>/);
    expect(group.stdout()).not.toContain('models list');
    const command = captureIO();
    expect(await runCli(['deployments', 'policy', 'set', '--help'], command.io)).toBe(0);
    expect(command.stdout()).toContain('usage: mlops deployments policy set <model> [options]');
    expect(command.stdout()).toContain('--canary-steps <n,n,...>');
  });

  it('exits 2 with the problem and where to find help on a usage error', async () => {
    const unknown = captureIO();
    expect(await runCli(['models', 'lst'], unknown.io)).toBe(2);
    expect(unknown.stderr()).toBe('error: unknown command "models lst"; expected one of: list, get, create, upload\nRun \'mlops models --help\' for usage.\n');
    const incomplete = captureIO();
    expect(await runCli(['deployments', 'policy'], incomplete.io)).toBe(2);
    expect(incomplete.stderr()).toContain('error: "mlops deployments policy" needs a command: get, set');
    const nothing = captureIO();
    expect(await runCli([], nothing.io)).toBe(2);
    expect(nothing.stderr()).toContain('usage: mlops <command>');
    const bad = captureIO();
    expect(await runCli(['versions', 'get', 'churn', 'x1', '--limit', '3'], bad.io)).toBe(2);
    expect(bad.stderr()).toContain("error: unknown option --limit\nRun 'mlops versions get --help' for usage.");
  });

  it('exits 1 with the mapped gRPC status when the service refuses', async () => {
    const registry = fakeApi('registry', (method) => {
      throw grpcError('registry', method, status.NOT_FOUND, 'model "nope" does not exist');
    });
    const cap = captureIO({ clients: fakeClients({ registry }) });
    expect(await runCli(['models', 'get', 'nope'], cap.io)).toBe(1);
    expect(cap.stderr()).toBe('error: NOT_FOUND: model "nope" does not exist (registry at fake-registry:1)\n');
    expect(cap.stdout()).toBe('');
  });

  it('names the service and the env key of its address when it cannot connect', async () => {
    const cap = captureIO({ env: { REGISTRY_GRPC_URL: '127.0.0.1:1' } });
    expect(await runCli(['models', 'list', '--principal', 'olivia', '--correlation-id', 'c-1'], cap.io)).toBe(1);
    expect(cap.stderr()).toMatch(/^error: UNAVAILABLE: cannot reach registry at 127\.0\.0\.1:1 \(connection refused\): is it running, and is REGISTRY_GRPC_URL right\?\n$/);
  });
});
