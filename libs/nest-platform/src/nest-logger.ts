import type { LoggerService } from '@nestjs/common';
import type { JsonLogger } from '@mlops/observability';

/** Lets Nest's own messages (module init, routes) go to the service's JSON log. */
export class NestJsonLogger implements LoggerService {
  constructor(private readonly logger: JsonLogger) {}

  log(message: unknown, context?: string): void {
    this.logger.info(String(message), context ? { nestContext: context } : undefined);
  }
  error(message: unknown, trace?: string, context?: string): void {
    this.logger.error(String(message), { trace, nestContext: context });
  }
  warn(message: unknown, context?: string): void {
    this.logger.warn(String(message), context ? { nestContext: context } : undefined);
  }
  debug(message: unknown, context?: string): void {
    this.logger.debug(String(message), context ? { nestContext: context } : undefined);
  }
  verbose(message: unknown, context?: string): void {
    this.debug(message, context);
  }
}
