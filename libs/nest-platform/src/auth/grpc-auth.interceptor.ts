import { type Metadata, ServerInterceptingCall, type ServerInterceptor, status as GrpcStatus } from '@grpc/grpc-js';
import { type Role, TokenError, allowsCall, bearerToken, rpcAccess } from '@mlops/auth';
import { CORRELATION_HEADER, type JsonLogger, type PlatformMetrics, newCorrelationId, sanitizeCorrelationId } from '@mlops/observability';
import { type AuditEntry, type AuditLog, requestSummary } from '../audit/audit-log';
import { COMMITTED_OUTCOME, CallAudit, runWithCallAudit } from '../audit/call-audit';
import { PRINCIPAL_HEADER, ROLES_HEADER, principalOf } from '../grpc/principal';
import type { PlatformSecurity } from './platform-security';

/** Said to every caller without valid credentials, whatever the reason (the reason is logged and counted). */
export const UNAUTHENTICATED_DETAILS = 'missing or invalid credentials';

export interface Caller {
  principal: string;
  roles: Role[];
  tokenId: string;
}

interface Deps {
  security: PlatformSecurity;
  audit: () => AuditLog;
  metrics: PlatformMetrics;
  logger: JsonLogger;
}

/**
 * The one door every gRPC call passes, Nest-handled or plain grpc-js (inference): checks the
 * bearer token (UNAUTHENTICATED), the role the method needs (PERMISSION_DENIED, audited), hands
 * the verified principal to the handler in `x-principal`, and records every call of a method
 * that changes state in the audit log with its outcome. The record of a change is written in the
 * change's own transaction (CallAudit: the handler runs with it as its pending record); a call
 * that committed nothing is recorded before its status is sent, with the status as outcome
 * (CANCELLED when the caller went away first), and one that committed and then failed gets a
 * second record with the failure. Service identities may only ask for the changes listed for
 * them (SERVICE_MUTATIONS).
 */
export function grpcAuthInterceptor(deps: Deps): ServerInterceptor {
  return (method, call) => {
    const decision = rpcAccess(method.path);
    if (decision.public) return new ServerInterceptingCall(call);
    const access = decision.access;
    let refused = false;
    let caller: Caller | undefined;
    let requestId = '';
    let firstMessage: unknown;
    let audited = false;
    // The pending record of a state-changing call, written by the transaction that commits it.
    let pending: CallAudit | undefined;
    const refuse = (code: GrpcStatus, details: string) => {
      refused = true;
      call.sendStatus({ code, details });
    };
    const entry = (outcome: string): AuditEntry => ({
      principal: caller!.principal,
      roles: caller!.roles,
      action: method.path,
      outcome,
      requestId,
      tokenId: caller!.tokenId,
      peer: call.getPeer(),
      requestJson: requestSummary(firstMessage),
    });
    const audit = async (outcome: string) => {
      audited = true;
      if (pending?.committed && outcome === COMMITTED_OUTCOME) {
        deps.metrics.auditRecords.inc({ outcome });
        return;
      }
      try {
        await withTimeout(deps.audit().record(entry(outcome)), AUDIT_TIMEOUT_MS);
        deps.metrics.auditRecords.inc({ outcome });
      } catch (error) {
        deps.metrics.auditWriteFailures.inc();
        deps.logger.error('audit record not written', { action: method.path, principal: caller!.principal, outcome, error: (error as Error).message });
      }
    };

    return new ServerInterceptingCall(call, {
      start: (next) =>
        next({
          onReceiveMetadata: (metadata, nextMetadata) => {
            requestId = correlationIdOf(metadata);
            const verified = authenticate(deps, metadata, method.path);
            if (!verified) return refuse(GrpcStatus.UNAUTHENTICATED, UNAUTHENTICATED_DETAILS);
            caller = verified;
            if (!allowsCall(caller.principal, caller.roles, method.path, access)) {
              deps.metrics.authRefusals.inc({ transport: 'grpc', reason: 'permission-denied' });
              const details = `${caller.principal} may not call ${method.path.slice(method.path.lastIndexOf('/') + 1)}: it needs the ${access?.role ?? 'admin'} role`;
              // Audited before the caller hears it; a denial is recorded even for reads.
              void audit('PERMISSION_DENIED').finally(() => refuse(GrpcStatus.PERMISSION_DENIED, details));
              refused = true;
              return;
            }
            metadata.remove('authorization');
            metadata.set(PRINCIPAL_HEADER, caller.principal);
            metadata.set(ROLES_HEADER, caller.roles.join(','));
            if (access?.mutates) pending = new CallAudit(entry);
            // A streaming handler starts here, a unary one at the half close: each runs with the record pending.
            runWithCallAudit(pending, () => nextMetadata(metadata));
          },
          onReceiveMessage: (message, nextMessage) => {
            if (refused) return;
            if (firstMessage === undefined) firstMessage = message;
            runWithCallAudit(pending, () => nextMessage(message));
          },
          onReceiveHalfClose: (nextHalfClose) => {
            if (!refused) runWithCallAudit(pending, () => nextHalfClose());
          },
          // A change whose caller cancelled (or whose deadline passed) may still commit later:
          // unless it has committed already (and so is recorded), it is recorded as CANCELLED.
          onCancel: () => {
            if (access?.mutates && caller && !refused && !audited && !pending?.committed) void audit('CANCELLED');
          },
        }),
      sendStatus: (status, nextStatus) => {
        if (!access?.mutates || !caller || audited) return nextStatus(status);
        void audit(GrpcStatus[status.code] ?? String(status.code)).finally(() => nextStatus(status));
      },
    });
  };
}

/** An audit write may hold a status this long (a database that hangs must not hold every caller). */
const AUDIT_TIMEOUT_MS = 2000;

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`audit write took more than ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** The caller the token proves (or, with auth disabled, the admin named by x-principal); undefined = refuse. */
function authenticate(deps: Deps, metadata: Metadata, path: string): Caller | undefined {
  const verifier = deps.security.verifier;
  if (!verifier) return { principal: principalOf(metadata), roles: ['admin'], tokenId: '' };
  try {
    const claims = verifier.verify(bearerToken(metadata.get('authorization')[0]?.toString()));
    return { principal: claims.sub, roles: claims.roles, tokenId: claims.jti };
  } catch (error) {
    const reason = error instanceof TokenError ? error.problem : 'malformed';
    deps.metrics.authRefusals.inc({ transport: 'grpc', reason });
    deps.logger.warn('request refused: unauthenticated', { method: path, reason });
    return undefined;
  }
}

/** The call's correlation id, made (and set on the metadata, for the handler's logs) when it has none. */
function correlationIdOf(metadata: Metadata): string {
  const given = sanitizeCorrelationId(metadata.get(CORRELATION_HEADER)[0]?.toString());
  if (given) return given;
  const made = newCorrelationId();
  metadata.set(CORRELATION_HEADER, made);
  return made;
}
