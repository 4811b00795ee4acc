import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { type Env, type ServiceName, serviceAddresses } from './addresses';
import { ClientError, RemoteCallError } from './errors';

/**
 * gRPC clients of the platform's services, as any external client would build them: plain
 * @grpc/grpc-js over the .proto files loaded at run time (no NestJS), addresses from the same
 * env keys the services use for each other (<SERVICE>_GRPC_URL).
 */

export { type Env, type ServiceName, SERVICE_NAMES, addressKey, kafkaBrokers, serviceAddresses } from './addresses';

/** A gRPC API: the proto file (relative to proto/) and the fully qualified service. */
export interface ApiSpec {
  protoFile: string;
  service: string;
}

export const APIS = {
  ingestion: { protoFile: 'mlops/ingestion/v1/ingestion.proto', service: 'mlops.ingestion.v1.IngestionService' },
  features: { protoFile: 'mlops/features/v1/features.proto', service: 'mlops.features.v1.FeatureStoreService' },
  training: { protoFile: 'mlops/training/v1/training.proto', service: 'mlops.training.v1.TrainingService' },
  registry: { protoFile: 'mlops/registry/v1/registry.proto', service: 'mlops.registry.v1.RegistryService' },
  deployments: { protoFile: 'mlops/serving/v1/serving.proto', service: 'mlops.serving.v1.DeploymentService' },
  monitoring: { protoFile: 'mlops/monitoring/v1/monitoring.proto', service: 'mlops.monitoring.v1.MonitoringService' },
  platform: { protoFile: 'mlops/platform/v1/platform.proto', service: 'mlops.platform.v1.PlatformService' },
  health: { protoFile: 'grpc/health/v1/health.proto', service: 'grpc.health.v1.Health' },
} as const satisfies Record<string, ApiSpec>;

/**
 * A ts-proto message type (libs/contracts) as grpc-js delivers it with LOADER_OPTIONS: the same
 * fields, enums by name instead of number (what people and --json want to read).
 */
export type Wire<T> = T extends number
  ? `${number}` extends `${T}` // plain number (number is assignable to numeric enums; this tells them apart)
    ? number
    : string
  : T extends readonly (infer U)[]
    ? Wire<U>[]
    : T extends object
      ? { [K in keyof T]: Wire<T[K]> }
      : T;

/** camelCase fields, int64 as numbers, enums as names, bytes as base64 (proto3 JSON's mapping). */
const LOADER_OPTIONS: protoLoader.Options = { keepCase: false, longs: Number, enums: String, bytes: String, defaults: true, arrays: true, objects: true, oneofs: false };

/** The repo's proto/ directory: MLOPS_PROTO_DIR, else the nearest proto/ above this file
 * (libs/cli/src and libs/cli/dist both sit three levels below the repository root). */
export function findProtoRoot(env: Env = process.env): string {
  if (env.MLOPS_PROTO_DIR) return path.resolve(env.MLOPS_PROTO_DIR);
  for (let dir = __dirname; ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, 'proto');
    if (existsSync(path.join(candidate, 'mlops'))) return candidate;
    if (path.dirname(dir) === dir) throw new ClientError(`cannot find the platform's proto/ directory above ${__dirname}; set MLOPS_PROTO_DIR`);
  }
}

export interface CallOptions {
  /** Extra metadata for this call (x-principal, x-correlation-id are set for all calls). */
  metadata?: Record<string, string>;
  timeoutMs?: number;
}

type UnaryMethod = (request: object, metadata: grpc.Metadata, options: grpc.CallOptions, callback: (error: grpc.ServiceError | null, response: unknown) => void) => void;

/** One API on one service: unary calls that resolve with the response or reject with RemoteCallError. */
export class ApiClient {
  constructor(
    readonly service: ServiceName,
    readonly address: string,
    private readonly client: grpc.Client,
    private readonly definition: grpc.ServiceDefinition,
    private readonly defaults: { metadata: Record<string, string>; timeoutMs: number },
  ) {}

  /** Whether the loaded proto defines the method (APIs grow; an older proto may not have it). */
  has(method: string): boolean {
    return method in this.definition;
  }

  /** Every page of a list method (`limit`, `page_token` → `next_page_token`): 1,000 a call, at most 100 calls. */
  async callAllPages<R extends { nextPageToken: string }, T>(method: string, request: object, items: (response: R) => T[], options: CallOptions = {}): Promise<T[]> {
    const all: T[] = [];
    let pageToken = '';
    for (let page = 0; page < 100; page++) {
      const response = await this.call<R>(method, { ...request, limit: 1000, pageToken }, options);
      all.push(...items(response));
      if (!(pageToken = response.nextPageToken)) break;
    }
    return all;
  }

  call<T>(method: string, request: object = {}, options: CallOptions = {}): Promise<T> {
    const spec = this.definition[method];
    if (!spec) return Promise.reject(new ClientError(`the ${this.service} API has no method ${method} in this checkout's proto files`));
    if (spec.requestStream || spec.responseStream) return Promise.reject(new ClientError(`${method} is a streaming method; use upload() or download()`));
    const fn = (this.client as unknown as Record<string, UnaryMethod>)[method].bind(this.client);
    return new Promise<T>((resolve, reject) =>
      fn(request, this.callMetadata(options), this.callOptions(options), (error, response) => {
        if (error) reject(this.remoteError(method, error));
        else resolve(response as T);
      }),
    );
  }

  /** A client-streaming call (e.g. UploadArtifact): sends every message of `requests`, then resolves with the response. */
  async upload<T>(method: string, requests: AsyncIterable<object> | Iterable<object>, options: CallOptions = {}): Promise<T> {
    const call = this.streamingCall(method, { requestStream: true, responseStream: false });
    let settle!: (error: grpc.ServiceError | null, response: unknown) => void;
    const done = new Promise<T>((resolve, reject) => {
      settle = (error, response) => (error ? reject(this.remoteError(method, error)) : resolve(response as T));
    });
    const stream = (this.client as unknown as Record<string, (m: grpc.Metadata, o: grpc.CallOptions, cb: typeof settle) => grpc.ClientWritableStream<object>>)[call].call(this.client, this.callMetadata(options), this.callOptions(options), settle);
    try {
      for await (const request of requests) {
        if (!stream.write(request)) await new Promise<void>((resolve) => stream.once('drain', resolve));
      }
      stream.end();
    } catch (error) {
      stream.cancel();
      done.catch(() => undefined);
      throw error;
    }
    return done;
  }

  /** A server-streaming call (e.g. DownloadArtifact): the responses as they arrive; breaking off cancels the call. */
  async *download<T>(method: string, request: object, options: CallOptions = {}): AsyncGenerator<T> {
    const call = this.streamingCall(method, { requestStream: false, responseStream: true });
    const stream = (this.client as unknown as Record<string, (r: object, m: grpc.Metadata, o: grpc.CallOptions) => grpc.ClientReadableStream<T>>)[call].call(this.client, request, this.callMetadata(options), this.callOptions(options));
    try {
      for await (const message of stream) yield message as T;
    } catch (error) {
      const e = error as grpc.ServiceError;
      throw typeof e.code === 'number' ? this.remoteError(method, e) : error;
    } finally {
      stream.cancel();
    }
  }

  close(): void {
    this.client.close();
  }

  private streamingCall(method: string, shape: { requestStream: boolean; responseStream: boolean }): string {
    const spec = this.definition[method];
    if (!spec) throw new ClientError(`the ${this.service} API has no method ${method} in this checkout's proto files`);
    if (spec.requestStream !== shape.requestStream || spec.responseStream !== shape.responseStream) throw new ClientError(`${method} is not a ${shape.requestStream ? 'client' : 'server'}-streaming method`);
    return method;
  }

  private callMetadata(options: CallOptions): grpc.Metadata {
    const metadata = new grpc.Metadata();
    for (const [key, value] of Object.entries({ ...this.defaults.metadata, ...options.metadata })) if (value) metadata.set(key, value);
    return metadata;
  }

  private callOptions(options: CallOptions): grpc.CallOptions {
    return { deadline: Date.now() + (options.timeoutMs ?? this.defaults.timeoutMs) };
  }

  private remoteError(method: string, error: grpc.ServiceError): RemoteCallError {
    return new RemoteCallError(this.service, this.address, method, error.code ?? grpc.status.UNKNOWN, error.details ?? error.message);
  }
}

export interface ClientOptions {
  env?: Env;
  /** Where the .proto files are (default: findProtoRoot). */
  protoRoot?: string;
  /** Deadline of each call (default MLOPS_GRPC_TIMEOUT_MS or 10 s). */
  timeoutMs?: number;
  /** Metadata sent with every call, e.g. x-principal for the audit log. */
  metadata?: Record<string, string>;
}

/** Clients of every service, created on first use and closed together. */
export class PlatformClients {
  readonly addresses: Record<ServiceName, string>;
  private readonly protoRoot: string;
  private readonly timeoutMs: number;
  private readonly metadata: Record<string, string>;
  private readonly packages = new Map<string, grpc.GrpcObject>();
  private readonly definitions = new Map<string, protoLoader.PackageDefinition>();
  private readonly clients = new Map<string, ApiClient>();
  private readonly credentials: grpc.ChannelCredentials;

  constructor(options: ClientOptions = {}) {
    const env = options.env ?? process.env;
    this.addresses = serviceAddresses(env);
    this.protoRoot = options.protoRoot ?? findProtoRoot(env);
    this.timeoutMs = options.timeoutMs ?? (Number(env.MLOPS_GRPC_TIMEOUT_MS) || 10_000);
    this.metadata = { ...(options.metadata ?? {}) };
    const token = bearerFromEnv(env);
    if (token && !this.metadata.authorization) this.metadata.authorization = `Bearer ${token}`;
    this.credentials = channelCredentials(env);
  }

  get ingestion(): ApiClient { return this.api('ingestion', APIS.ingestion); }
  get featureStore(): ApiClient { return this.api('feature-store', APIS.features); }
  get training(): ApiClient { return this.api('training', APIS.training); }
  get registry(): ApiClient { return this.api('registry', APIS.registry); }
  get deployments(): ApiClient { return this.api('serving', APIS.deployments); }
  get monitoring(): ApiClient { return this.api('monitoring', APIS.monitoring); }

  /** mlops.platform.v1.PlatformService of one service (GetStatus). */
  platform(service: ServiceName): ApiClient {
    return this.api(service, APIS.platform);
  }

  /** Any API on any service's address. */
  api(service: ServiceName, spec: ApiSpec): ApiClient {
    const key = `${service}/${spec.service}`;
    let client = this.clients.get(key);
    if (!client) {
      const ctor = this.serviceConstructor(spec);
      const raw = new ctor(this.addresses[service], this.credentials);
      client = new ApiClient(service, this.addresses[service], raw, ctor.service, { metadata: this.metadata, timeoutMs: this.timeoutMs });
      this.clients.set(key, client);
    }
    return client;
  }

  /** camelCase field names of a message type (e.g. to check options against the loaded proto). */
  messageFields(protoFile: string, messageType: string): string[] {
    const type = this.definition(protoFile)[messageType] as { type?: { field?: { name: string }[] } } | undefined;
    if (!type?.type?.field) throw new ClientError(`no message ${messageType} in ${protoFile}`);
    return type.type.field.map((f) => f.name.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase()));
  }

  close(): void {
    for (const client of this.clients.values()) client.close();
    this.clients.clear();
  }

  private definition(protoFile: string): protoLoader.PackageDefinition {
    let definition = this.definitions.get(protoFile);
    if (!definition) {
      definition = protoLoader.loadSync(path.join(this.protoRoot, protoFile), { ...LOADER_OPTIONS, includeDirs: [this.protoRoot] });
      this.definitions.set(protoFile, definition);
    }
    return definition;
  }

  private serviceConstructor(spec: ApiSpec): grpc.ServiceClientConstructor {
    let loaded = this.packages.get(spec.protoFile);
    if (!loaded) {
      loaded = grpc.loadPackageDefinition(this.definition(spec.protoFile));
      this.packages.set(spec.protoFile, loaded);
    }
    const ctor = spec.service.split('.').reduce<unknown>((node, part) => (node as Record<string, unknown> | undefined)?.[part], loaded);
    if (typeof ctor !== 'function') throw new ClientError(`no service ${spec.service} in ${spec.protoFile}`);
    return ctor as grpc.ServiceClientConstructor;
  }
}

/** The client factory: clients of every service, addresses from `env`. Close them when done. */
export function createClients(options: ClientOptions = {}): PlatformClients {
  return new PlatformClients(options);
}

/** The caller's token: MLOPS_TOKEN, or the file MLOPS_TOKEN_FILE names (e.g. var/auth/tokens/admin.token). */
export function bearerFromEnv(env: Env): string | undefined {
  if (env.MLOPS_TOKEN) return env.MLOPS_TOKEN.trim();
  if (!env.MLOPS_TOKEN_FILE) return undefined;
  try {
    return readFileSync(env.MLOPS_TOKEN_FILE, 'utf8').trim();
  } catch (error) {
    throw new ClientError(`MLOPS_TOKEN_FILE=${env.MLOPS_TOKEN_FILE} cannot be read: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
}

/** Mutual TLS when MLOPS_TLS_CA_FILE, MLOPS_TLS_CERT_FILE and MLOPS_TLS_KEY_FILE are set (as the services read them). */
function channelCredentials(env: Env): grpc.ChannelCredentials {
  const files = [env.MLOPS_TLS_CA_FILE, env.MLOPS_TLS_KEY_FILE, env.MLOPS_TLS_CERT_FILE];
  if (files.every((f) => !f)) return grpc.credentials.createInsecure();
  if (!files.every(Boolean)) throw new ClientError('MLOPS_TLS_CA_FILE, MLOPS_TLS_CERT_FILE and MLOPS_TLS_KEY_FILE are needed together, or none of them');
  const [ca, key, cert] = files.map((f) => readFileSync(f!));
  return grpc.credentials.createSsl(ca, key, cert);
}
