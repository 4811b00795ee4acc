import { execFile } from 'node:child_process';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { REPO_ROOT } from './infra';

const run = promisify(execFile);
const SCRIPT = path.join(REPO_ROOT, 'scripts/kafka.sh');

/**
 * A real Kafka broker of the test's own, on its own ports, started with the project's script,
 * so a test can stop and restart it without disturbing the shared broker.
 */
export class PrivateKafkaBroker {
  constructor(readonly port: number) {}

  get brokers(): string[] {
    return [`127.0.0.1:${this.port}`];
  }

  async start(): Promise<void> {
    await this.script('start');
  }

  async stop(): Promise<void> {
    await this.script('stop');
  }

  /** Stops it and deletes its data. */
  async wipe(): Promise<void> {
    await this.script('wipe');
  }

  private async script(command: string): Promise<void> {
    await run('bash', [SCRIPT, command], {
      env: { ...process.env, KAFKA_PORT: String(this.port), KAFKA_CONTROLLER_PORT: String(this.port + 1) },
      timeout: 180_000,
    });
  }
}
