import { readFileSync } from 'node:fs';
import { ChannelCredentials, InterceptingCall, type Interceptor, ServerCredentials } from '@grpc/grpc-js';
import { TokenFile, TokenVerifier } from '@mlops/auth';
import type { JsonLogger } from '@mlops/observability';
import type { PlatformConfig } from '../platform-config';

/**
 * What the service needs to know about security, built once from its config: the verifier of
 * callers' tokens (none when MLOPS_AUTH=disabled), its own token for the calls it makes, and
 * TLS credentials when mutual TLS is configured.
 */
export class PlatformSecurity {
  /** Undefined when authentication is disabled (development only: every caller is admin). */
  readonly verifier: TokenVerifier | undefined;
  private readonly ownToken: TokenFile | undefined;
  private readonly tls: { ca: Buffer; cert: Buffer; key: Buffer } | undefined;

  constructor(config: PlatformConfig, logger?: JsonLogger) {
    this.verifier = config.authMode === 'required' ? new TokenVerifier(config.authPublicKeysFile, config.authIssuer, (message) => logger?.error('issuer keys not reloaded', { detail: message })) : undefined;
    this.ownToken = config.authTokenFile ? new TokenFile(config.authTokenFile) : undefined;
    this.tls = config.tlsCertFile
      ? { ca: readFileSync(config.tlsCaFile), cert: readFileSync(config.tlsCertFile), key: readFileSync(config.tlsKeyFile) }
      : undefined;
  }

  get mutualTls(): boolean {
    return this.tls !== undefined;
  }

  /** The gRPC server's credentials: mutual TLS (client certificates signed by the CA required) or plaintext. */
  serverCredentials(): ServerCredentials {
    if (!this.tls) return ServerCredentials.createInsecure();
    return ServerCredentials.createSsl(this.tls.ca, [{ cert_chain: this.tls.cert, private_key: this.tls.key }], true);
  }

  /** Credentials for calls to other platform services: this service's certificate under mutual TLS. */
  channelCredentials(): ChannelCredentials {
    if (!this.tls) return ChannelCredentials.createInsecure();
    return ChannelCredentials.createSsl(this.tls.ca, this.tls.key, this.tls.cert);
  }

  /** Adds this service's own bearer token to every outgoing call (unless the call carries one). */
  readonly clientInterceptor: Interceptor = (options, nextCall) =>
    new InterceptingCall(nextCall(options), {
      start: (metadata, listener, next) => {
        if (this.ownToken && metadata.get('authorization').length === 0) metadata.set('authorization', `Bearer ${this.ownToken.value}`);
        next(metadata, listener);
      },
    });
}
