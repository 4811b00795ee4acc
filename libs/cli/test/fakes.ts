import type { ServiceName } from '@mlops/client';
import type { PlatformClients } from '@mlops/client';
import type { CliIO } from '../src/cli';
import { RemoteCallError } from '../src/errors';

/** A recorded call of a fake API. */
export interface Call {
  method: string;
  request: Record<string, unknown>;
}

type Handler = (method: string, request: Record<string, unknown>) => unknown;

/** An ApiClient whose answers come from `handler`; a thrown RemoteCallError is a gRPC status. */
export function fakeApi(service: ServiceName, handler: Handler) {
  const calls: Call[] = [];
  return {
    service,
    address: `fake-${service}:1`,
    calls,
    has: () => true,
    close: () => undefined,
    async call(method: string, request: Record<string, unknown> = {}) {
      calls.push({ method, request });
      return handler(method, request);
    },
  };
}

export const grpcError = (service: ServiceName, method: string, code: number, details: string) => new RemoteCallError(service, `fake-${service}:1`, method, code, details);

/** PlatformClients made of fakes; unset APIs fail the test when used. */
export function fakeClients(apis: Partial<Record<'registry' | 'deployments' | 'monitoring' | 'training' | 'ingestion' | 'featureStore', ReturnType<typeof fakeApi>>>, platform?: (service: ServiceName) => ReturnType<typeof fakeApi>): PlatformClients {
  const missing = (name: string) => () => {
    throw new Error(`test used the ${name} API without a fake`);
  };
  const clients = {
    addresses: { ingestion: 'fake-ingestion:1', 'feature-store': 'fake-feature-store:1', training: 'fake-training:1', registry: 'fake-registry:1', serving: 'fake-serving:1', monitoring: 'fake-monitoring:1' },
    platform: platform ?? missing('platform'),
    messageFields: () => ['modelName', 'windowSize', 'evaluateEvery', 'retrain'],
    close: () => undefined,
  };
  for (const name of ['registry', 'deployments', 'monitoring', 'training', 'ingestion', 'featureStore'] as const) {
    Object.defineProperty(clients, name, { get: apis[name] ? () => apis[name] : missing(name) });
  }
  return clients as unknown as PlatformClients;
}

/** runCli's IO captured as strings, with a clock that advances only when slept. */
export function captureIO(overrides: Partial<CliIO> = {}) {
  const stdout: string[] = [];
  const stderr: string[] = [];
  let now = Date.UTC(2026, 10, 29, 10, 0, 0);
  const io: Partial<CliIO> = {
    stdout: { write: (t: string) => void stdout.push(t) },
    stderr: { write: (t: string) => void stderr.push(t) },
    env: {},
    now: () => now,
    sleep: async (ms: number) => void (now += ms),
    ...overrides,
  };
  return { io, stdout: () => stdout.join(''), stderr: () => stderr.join(''), advance: (ms: number) => (now += ms) };
}
