// The mlops CLI as a library: the pieces a scripted scenario (the coming `demo` command) or any
// operator tool builds on. The executable is dist/main.js (scripts/mlops).
export { runCli, type CliIO } from './cli';
export { type CommandContext, type CommandSpec, Output, type TextStream } from './command';
export { COMMANDS } from './commands';

// Clients: every service's gRPC API from <SERVICE>_GRPC_URL, Kafka from KAFKA_BROKERS.
// (libs/client; re-exported for tools that already import them from here).
export { type Env, SERVICE_NAMES, type ServiceName, addressKey, kafkaBrokers, serviceAddresses } from '@mlops/client';
export { APIS, ApiClient, type ApiSpec, type CallOptions, type ClientOptions, PlatformClients, type Wire, createClients, findProtoRoot } from '@mlops/client';
export { CliError, EXIT_FAILURE, EXIT_OK, EXIT_USAGE, RemoteCallError, UsageError, describeError, statusName } from './errors';

// Rendering for people.
export { type Column, type TableOptions, displayWidth, renderKeyValues, renderTable, truncate } from './render/table';
export { ASCII_BAR, type ProgressBarOptions, ProgressReporter, type ProgressStream, UNICODE_BAR, clampFraction, renderProgressBar } from './render/progress';
export { enumLabel, formatClock, formatDateTime, formatDuration, formatNumber, formatPercent } from './render/format';
export {
  ALERT_KINDS, type Milestone, type SagaSummary, type StageDuration, type TimelineStep,
  findMilestones, isTerminalStep, renderSagaSummary, renderStepLine, renderTimeline, stepKey, summarizeSaga,
} from './render/timeline';

// Long-running watches.
export { type FollowOptions, followTimeline } from './commands/timeline';
export { waitForJob } from './commands/training';
export { type JobProgress, jobProgress } from './job-progress';
export { collectStatus, type ServiceStatus } from './commands/status';
export { type TailedMessage, renderTailLine } from './commands/tail';
export { type DecodedPayload, type EventCatalog, buildCatalog, decodePayload, platformCatalog } from '@mlops/client';

// The closed-loop scenario (mlops demo, the end-to-end tests, bench/loop-latency) lives in libs/client.
export { LoopScenario, type LoopLatency, type ScenarioEvent, type ScenarioOptions, loopLatency } from '@mlops/client';
