import { Controller, Get, Headers, HttpStatus, Res } from '@nestjs/common';
import type { Response } from 'express';
import { type Role, TokenError, type TokenProblem, bearerToken } from '@mlops/auth';
import { PlatformSecurity } from '@mlops/nest-platform';
import { type Action, capabilities } from './capabilities';

export interface Session {
  subject: string;
  roles: Role[];
  /** When the token expires, Unix epoch milliseconds (0 with authentication disabled). */
  expiresAtMs: number;
  /** The changes the console offers this caller (the services decide again on every call). */
  can: Record<Action, boolean>;
  authDisabled: boolean;
}

/** What the person signing in is told about their own token (coarse: never which check failed inside). */
export function signInReason(problem: TokenProblem): string {
  if (problem === 'missing') return 'no token was given';
  if (problem === 'expired') return 'the token has expired: issue a new one (mlops auth token)';
  if (problem === 'not-yet-valid') return 'the token is not valid yet (check the clocks)';
  return 'the token is not one this platform issued, or it is malformed';
}

/**
 * Sign-in: the web app sends the pasted token here and keeps it (in the browser session only)
 * when this says who it belongs to. Open to requests without a token, so it can say why a token
 * is refused; it reveals nothing but the caller's own token's subject, roles and expiry.
 */
@Controller('api/session')
export class SessionHttpController {
  constructor(private readonly security: PlatformSecurity) {}

  @Get()
  session(@Headers('authorization') authorization: string | undefined, @Res() res: Response): void {
    const verifier = this.security.verifier;
    if (!verifier) {
      res.json({ subject: 'anonymous', roles: ['admin'], expiresAtMs: 0, can: capabilities('anonymous', ['admin']), authDisabled: true } satisfies Session);
      return;
    }
    try {
      const claims = verifier.verify(bearerToken(authorization));
      res.json({ subject: claims.sub, roles: claims.roles, expiresAtMs: claims.exp * 1000, can: capabilities(claims.sub, claims.roles), authDisabled: false } satisfies Session);
    } catch (error) {
      const problem: TokenProblem = error instanceof TokenError ? error.problem : 'malformed';
      res.status(HttpStatus.UNAUTHORIZED).json({ code: 'UNAUTHENTICATED', message: signInReason(problem), reason: problem === 'expired' ? 'expired' : 'invalid' });
    }
  }
}
