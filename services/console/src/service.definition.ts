import type { ServiceDefinition } from '@mlops/nest-platform';
import { loadConsoleConfig } from './config/console.config';
import { parseJsonBodies } from './mlflow/transport/body-parsers';
import { serveWebApp } from './static/web-app';

/**
 * The console has no upstream of its own in the platform's sense: it holds no token and calls
 * the six services only with the token of the person using it (upstream/platform-api.ts reads
 * their addresses from the same <SERVICE>_GRPC_URL keys). Its gRPC port serves the platform's
 * health and status API only.
 */
export const SERVICE: ServiceDefinition = {
  name: 'console',
  envPrefix: 'CONSOLE',
  schema: 'console',
  defaultGrpcPort: 50057,
  defaultHttpPort: 8087,
  loadConfig: loadConsoleConfig,
  configureHttp: (app) => {
    parseJsonBodies(app);
    serveWebApp(app, loadConsoleConfig().webDir);
  },
};
