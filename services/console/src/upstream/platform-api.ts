import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import { PlatformClients, type ServiceName, createClients } from '@mlops/client';
import { CORRELATION_HEADER, currentCorrelationId } from '@mlops/observability';
import { CONSOLE_CONFIG, type ConsoleConfig } from '../config/console.config';

/** Who the console is calling for: the bearer token of the person using it (none with MLOPS_AUTH=disabled). */
export interface Caller {
  token?: string;
}

export type ApiName = 'ingestion' | 'featureStore' | 'training' | 'registry' | 'deployments' | 'monitoring';

/**
 * The six services' gRPC APIs, called with the caller's own token and correlation id: the
 * console holds no credentials of its own, so it can never do more than the person using it,
 * and every service's authorization and audit log see that person. Addresses come from the
 * same <SERVICE>_GRPC_URL keys the services use; mutual TLS from MLOPS_TLS_* like theirs.
 */
@Injectable()
export class PlatformApi implements OnModuleDestroy {
  private readonly clients: PlatformClients;

  constructor(@Inject(CONSOLE_CONFIG) config: ConsoleConfig) {
    // Never a token from the environment (scripts/env.sh exports the admin's): only the caller's.
    const { MLOPS_TOKEN: _token, MLOPS_TOKEN_FILE: _file, ...env } = process.env;
    this.clients = createClients({ env, timeoutMs: config.upstreamTimeoutMs });
  }

  call<T>(caller: Caller, api: ApiName, method: string, request: object = {}): Promise<T> {
    return this.clients[api].call<T>(method, request, { metadata: this.metadata(caller) });
  }

  /** Every page of a list RPC (1,000 at a time, at most 100 pages), as the caller. */
  callAllPages<R extends { nextPageToken: string }, T>(caller: Caller, api: ApiName, method: string, request: object, items: (response: R) => T[]): Promise<T[]> {
    return this.clients[api].callAllPages<R, T>(method, request, items, { metadata: this.metadata(caller) });
  }

  /** mlops.platform.v1.PlatformService of one service (status, audit records). */
  platform<T>(caller: Caller, service: ServiceName, method: string, request: object = {}): Promise<T> {
    return this.clients.platform(service).call<T>(method, request, { metadata: this.metadata(caller) });
  }

  /** The clients with the caller's metadata, for library code that takes PlatformClients (the merged audit log). */
  get shared(): PlatformClients {
    return this.clients;
  }

  metadata(caller: Caller): Record<string, string> {
    const metadata: Record<string, string> = {};
    if (caller.token) metadata.authorization = `Bearer ${caller.token}`;
    const correlationId = currentCorrelationId();
    if (correlationId) metadata[CORRELATION_HEADER] = correlationId;
    return metadata;
  }

  onModuleDestroy(): void {
    this.clients.close();
  }
}
