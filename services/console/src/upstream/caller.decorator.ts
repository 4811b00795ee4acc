import { type ExecutionContext, createParamDecorator } from '@nestjs/common';
import type { Caller } from './platform-api';

/** The caller of an HTTP request: its bearer token, already verified by the platform's HTTP guard. */
export const CallerOf = createParamDecorator((_data: unknown, context: ExecutionContext): Caller => {
  const header = context.switchToHttp().getRequest<{ headers: Record<string, string | undefined> }>().headers.authorization;
  const match = /^Bearer ([A-Za-z0-9._~+/=-]+)$/.exec(header ?? '');
  return { token: match?.[1] };
});
