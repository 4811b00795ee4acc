import 'reflect-metadata';
import type { INestApplication, Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { Server } from '@grpc/grpc-js';
import { type MicroserviceOptions, Transport } from '@nestjs/microservices';
import { ConfigError } from '@mlops/config';
import { PROTO_LOADER_OPTIONS, protoPath } from '@mlops/contracts';
import { JsonLogger, PlatformMetrics } from '@mlops/observability';
import { AuditLog } from './audit/audit-log';
import { grpcAuthInterceptor } from './auth/grpc-auth.interceptor';
import { PlatformSecurity } from './auth/platform-security';
import { GrpcErrorsFilter } from './grpc/domain-errors.filter';
import { firstRegistrationWins } from './grpc/plain-unary';
import { NestJsonLogger } from './nest-logger';
import { type PlatformConfig, loadPlatformConfig } from './platform-config';
import type { ServiceDefinition } from './service-definition';

/** Exit code for a configuration error (sysexits EX_CONFIG). */
export const EXIT_CONFIG = 78;

const PLATFORM_PROTOS = ['grpc/health/v1/health.proto', 'mlops/platform/v1/platform.proto'];
const PLATFORM_PACKAGES = ['grpc.health.v1', 'mlops.platform.v1'];

/**
 * Starts a service: validates its env (exiting with a message naming every bad variable),
 * then serves gRPC (health, platform status, its domain API) and HTTP (/health, /metrics) and
 * stops gracefully on SIGTERM/SIGINT.
 */
export async function bootstrapService(def: ServiceDefinition, appModule: Type): Promise<INestApplication> {
  const config = loadConfigOrExit(def);
  const logger = new JsonLogger(def.name, config.logLevel);
  process.on('unhandledRejection', (reason) => logger.error('unhandled rejection', { error: reason }));
  try {
    const app = await NestFactory.create(appModule, { logger: new NestJsonLogger(logger), abortOnError: false });
    def.configureHttp?.(app);
    // Before connecting the gRPC server, which inherits the app's filters.
    app.useGlobalFilters(new GrpcErrorsFilter(logger, app.getHttpAdapter()));
    const security = app.get(PlatformSecurity);
    const interceptor = grpcAuthInterceptor({ security, audit: () => app.get(AuditLog), metrics: app.get(PlatformMetrics), logger });
    app.connectMicroservice<MicroserviceOptions>(
      {
        transport: Transport.GRPC,
        options: {
          url: `${config.bindHost}:${config.grpcPort}`,
          package: [...PLATFORM_PACKAGES, ...(def.grpc?.packages ?? [])],
          protoPath: [...PLATFORM_PROTOS, ...(def.grpc?.protoFiles ?? [])].map(protoPath),
          loader: PROTO_LOADER_OPTIONS,
          credentials: security.serverCredentials(),
          // Every call, Nest's and the plain services', passes authentication and authorization.
          channelOptions: { interceptors: [interceptor] },
          // Nest hands over its grpc-js server here, before it starts serving.
          onLoadPackageDefinition: (_definition: unknown, server: Server) => {
            firstRegistrationWins(server);
            for (const service of def.plainGrpcServices ?? []) app.get(service).register(server);
          },
        },
      },
      { inheritAppConfig: true },
    );
    await app.startAllMicroservices();
    await app.listen(config.httpPort, config.bindHost);
    stopOnSignals(app, logger);
    logger.info('service started', {
      grpc: `${config.bindHost}:${config.grpcPort}`,
      http: `${config.bindHost}:${config.httpPort}`,
      schema: config.dbSchema,
      auth: config.authMode,
      mutualTls: security.mutualTls,
    });
    if (config.authMode === 'disabled') logger.warn('authentication is disabled: every caller is admin (MLOPS_AUTH=disabled is for development only)');
    return app;
  } catch (error) {
    logger.error('service failed to start', { error });
    process.exit(1);
  }
}

/** Stops gracefully on SIGTERM/SIGINT (consumers commit, the outbox drains) and exits 0. */
function stopOnSignals(app: INestApplication, logger: JsonLogger): void {
  const stop = async (signal: NodeJS.Signals) => {
    logger.info('stopping', { signal });
    const force = setTimeout(() => {
      logger.error('graceful stop took too long, exiting');
      process.exit(1);
    }, 30_000);
    force.unref();
    try {
      await app.close();
      logger.info('stopped');
      process.exit(0);
    } catch (error) {
      logger.error('stop failed', { error });
      process.exit(1);
    }
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

function loadConfigOrExit(def: ServiceDefinition): PlatformConfig {
  try {
    const config = loadPlatformConfig(def);
    def.loadConfig?.(process.env);
    return config;
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${def.name}: ${error.message}\n`);
      process.exit(EXIT_CONFIG);
    }
    throw error;
  }
}
