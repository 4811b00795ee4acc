import { execFile } from 'node:child_process';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { REPO_ROOT, freePort } from './infra';

const run = promisify(execFile);
const SCRIPT = path.join(REPO_ROOT, 'scripts/kafka.sh');

/**
 * A real Kafka broker of the test's own, on its own ports, started with the project's script,
 * so a test can stop and restart it without disturbing the shared broker.
 */
export class PrivateKafkaBroker {
  private controllerPort?: number;
  private started = false;

  constructor(public port: number) {}

  get brokers(): string[] {
    return [`127.0.0.1:${this.port}`];
  }

  /**
   * Both ports come from the OS (the controller's too: port + 1 may be another process's
   * connection). A port can still be taken between that check and Kafka's bind, so a first
   * start that fails on a port in use is retried on fresh ports; a restart keeps its ports.
   */
  async start(): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      this.controllerPort ??= await freePortOtherThan(this.port);
      try {
        await this.script('start');
        this.started = true;
        return;
      } catch (error) {
        const e = error as { message?: string; stdout?: string; stderr?: string };
        const portTaken = /already in use/i.test(`${e.message ?? ''}${e.stdout ?? ''}${e.stderr ?? ''}`);
        if (this.started || !portTaken || attempt >= 3) throw error;
        await this.script('wipe').catch(() => undefined);
        this.port = await freePort();
        this.controllerPort = await freePortOtherThan(this.port);
      }
    }
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
      env: { ...process.env, KAFKA_PORT: String(this.port), KAFKA_CONTROLLER_PORT: String(this.controllerPort ?? this.port + 1) },
      timeout: 180_000,
    });
  }
}

async function freePortOtherThan(port: number): Promise<number> {
  for (;;) {
    const other = await freePort();
    if (other !== port) return other;
  }
}
