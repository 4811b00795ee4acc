import type { CommandSpec } from '../command';
import { AUTH_COMMANDS } from './auth';
import { DATA_COMMANDS } from './data';
import { DEPLOYMENT_COMMANDS } from './deployments';
import { FEEDBACK_COMMANDS } from './feedback';
import { MODEL_COMMANDS } from './models';
import { REGISTER_COMMANDS } from './register';
import { RESOURCE_COMMANDS } from './resources';
import { MONITORING_COMMANDS } from './monitoring';
import { REGISTRY_COMMANDS } from './registry';
import { statusCommand } from './status';
import { tailCommand, topicsCommand } from './tail';
import { timelineCommand } from './timeline';
import { TRAINING_COMMANDS } from './training';
import { demoCommand } from '../demo/demo.command';

/** Shown for `mlops <group> --help`. */
export const GROUP_SUMMARIES: Record<string, string> = {
  datasets: 'datasets registered in ingestion',
  features: 'feature views of the feature store',
  snapshots: 'training snapshots of the feature store',
  runs: 'tracked training runs (experiments)',
  jobs: 'training jobs',
  models: 'registered models',
  versions: 'model versions',
  alias: 'model aliases (production, candidate, ...)',
  deployments: 'rollouts of model versions in serving',
  'deployments policy': 'how new versions of a model are deployed',
  drift: 'drift of live traffic',
  performance: 'live performance from late labels',
  monitoring: 'monitoring policies and the fleet',
  'monitoring policy': "how a model's traffic is watched",
  auth: 'tokens: the issuer key, service and user tokens',
  feedback: 'ground truth for predictions (monitoring.feedback.received.v1)',
};

/** Every command, in the order `mlops --help` lists them (`demo`: the closed loop, src/demo/). */
export const COMMANDS: CommandSpec[] = [
  statusCommand,
  ...DATA_COMMANDS,
  ...REGISTER_COMMANDS,
  ...RESOURCE_COMMANDS,
  ...TRAINING_COMMANDS,
  ...REGISTRY_COMMANDS,
  ...MODEL_COMMANDS,
  ...DEPLOYMENT_COMMANDS,
  ...MONITORING_COMMANDS,
  ...FEEDBACK_COMMANDS,
  timelineCommand,
  ...AUTH_COMMANDS,
  tailCommand,
  topicsCommand,
  demoCommand,
];
