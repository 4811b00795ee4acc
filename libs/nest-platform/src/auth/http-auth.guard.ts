import { type CanActivate, type ExecutionContext, ForbiddenException, Inject, Injectable, UnauthorizedException } from '@nestjs/common';
import { TokenError, allowsCall, bearerToken, httpAccess } from '@mlops/auth';
import { CORRELATION_HEADER, JsonLogger, PlatformMetrics, sanitizeCorrelationId } from '@mlops/observability';
import { AuditLog } from '../audit/audit-log';
import { UNAUTHENTICATED_DETAILS } from './grpc-auth.interceptor';
import { PlatformSecurity } from './platform-security';

interface HttpRequest {
  method: string;
  route?: { path?: string };
  headers: Record<string, string | string[] | undefined>;
  socket?: { remoteAddress?: string };
}

/**
 * The HTTP side of the door (metrics, the OIP REST API): a bearer token in `Authorization`
 * (401 with `WWW-Authenticate: Bearer` otherwise) and the route's role (403, audited).
 * Liveness and readiness stay open for probes.
 */
@Injectable()
export class HttpAuthGuard implements CanActivate {
  constructor(
    @Inject(PlatformSecurity) private readonly security: PlatformSecurity,
    private readonly audit: AuditLog,
    private readonly metrics: PlatformMetrics,
    private readonly logger: JsonLogger,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    const request = context.switchToHttp().getRequest<HttpRequest>();
    const route = request.route?.path ?? '';
    const decision = httpAccess(request.method, route);
    if (decision.public || !this.security.verifier) return true;
    let claims;
    try {
      const header = request.headers.authorization;
      claims = this.security.verifier.verify(bearerToken(Array.isArray(header) ? header[0] : header));
    } catch (error) {
      const reason = error instanceof TokenError ? error.problem : 'malformed';
      this.metrics.authRefusals.inc({ transport: 'http', reason });
      this.logger.warn('request refused: unauthenticated', { route: `${request.method} ${route}`, reason });
      context.switchToHttp().getResponse<{ setHeader(k: string, v: string): void }>().setHeader('WWW-Authenticate', 'Bearer');
      throw new UnauthorizedException(UNAUTHENTICATED_DETAILS);
    }
    const access = decision.access;
    if (allowsCall(claims.sub, claims.roles, `${request.method} ${route}`, access)) return true;
    this.metrics.authRefusals.inc({ transport: 'http', reason: 'permission-denied' });
    const correlation = request.headers[CORRELATION_HEADER];
    await this.audit
      .record({
        principal: claims.sub,
        roles: claims.roles,
        action: `${request.method} ${route}`,
        outcome: 'PERMISSION_DENIED',
        requestId: sanitizeCorrelationId(Array.isArray(correlation) ? correlation[0] : correlation) ?? '',
        tokenId: claims.jti,
        peer: request.socket?.remoteAddress ?? '',
        requestJson: '',
      })
      .catch((error: Error) => this.logger.error('audit record not written', { error: error.message }));
    throw new ForbiddenException(`${claims.sub} may not ${request.method} ${route}: it needs the ${access?.role ?? 'admin'} role`);
  }
}
