// The platform as its clients see it (the mlops CLI, the console, tests, benchmarks): gRPC
// clients of every service's public API, Kafka event decoding, sagas, the merged audit trail
// and the closed-loop scenario. No service code: only proto files, topics and events.
export { type Env, SERVICE_NAMES, type ServiceName, addressKey, kafkaBrokers, serviceAddresses } from './addresses';
export { APIS, ApiClient, type ApiSpec, type CallOptions, type ClientOptions, PlatformClients, type Wire, bearerFromEnv, createClients, findProtoRoot } from './clients';
export { ClientError, RemoteCallError, connectFailure, statusName } from './errors';
export { type DecodedPayload, type EventCatalog, buildCatalog, decodePayload, headerStrings, platformCatalog } from './events';
export * from './sagas';
export { type AuditPage, type AuditQuery, type AuditRecord, AuditCursorError, GOVERNANCE, decodeCursor, encodeCursor, mergedAuditLog } from './audit';
export { LoopScenario, type ScenarioEvent, type ScenarioOptions, ScenarioFailure } from './scenario/scenario';
export { type LoopLatency, loopLatency } from './scenario/stages';
