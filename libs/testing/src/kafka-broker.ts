import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { REPO_ROOT, freePort } from './infra';

const CACHE = process.env.MLOPS_CACHE ?? path.join(REPO_ROOT, '.cache');

const run = promisify(execFile);
const SCRIPT = path.join(REPO_ROOT, 'scripts/kafka.sh');

/**
 * A real Kafka broker of the test's own, on its own ports, started with the project's script,
 * so a test can stop and restart it without disturbing the shared broker.
 */
export class PrivateKafkaBroker {
  private controllerPort?: number;
  private started = false;

  /** `sasl_ssl`: TLS, a SCRAM user per principal and the ACLs of topic-access.ts (scripts/kafka.sh). */
  constructor(
    public port: number,
    private readonly security: 'plaintext' | 'sasl_ssl' = 'plaintext',
  ) {}

  get brokers(): string[] {
    return [`127.0.0.1:${this.port}`];
  }

  /** Where a secured broker keeps its CA and its users' passwords. */
  get secretsDir(): string {
    return path.join(CACHE, 'kafka-data', String(this.port), 'secrets');
  }

  /** A user's password on a secured broker. */
  password(user: string): string {
    return readFileSync(path.join(this.secretsDir, 'users', `${user}.password`), 'utf8').trim();
  }

  /** The broker's CA certificate (PEM). */
  get caPem(): string {
    return readFileSync(path.join(this.secretsDir, 'ca.pem'), 'utf8');
  }

  /** A service's settings for reaching this broker as `user` (its own name on a secured broker). */
  serviceEnv(user: string): Record<string, string> {
    if (this.security === 'plaintext') return {};
    return {
      KAFKA_SECURITY_PROTOCOL: 'SASL_SSL',
      KAFKA_SASL_MECHANISM: 'SCRAM-SHA-512',
      KAFKA_SASL_USERNAME: user,
      KAFKA_SASL_PASSWORD_FILE: path.join(this.secretsDir, 'users', `${user}.password`),
      KAFKA_TLS_CA_FILE: path.join(this.secretsDir, 'ca.pem'),
    };
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

  /** SIGKILL: the broker dies as in a crash (the next start recovers its logs). */
  async kill(): Promise<void> {
    const pid = Number(readFileSync(path.join(CACHE, 'kafka-data', String(this.port), 'kafka.pid'), 'utf8'));
    process.kill(pid, 'SIGKILL');
    for (let alive = true; alive; ) {
      await new Promise((r) => setTimeout(r, 100));
      try {
        process.kill(pid, 0);
      } catch {
        alive = false;
      }
    }
  }

  /** Stops it and deletes its data. */
  async wipe(): Promise<void> {
    await this.script('wipe');
  }

  private async script(command: string): Promise<void> {
    await run('bash', [SCRIPT, command], {
      env: { ...process.env, KAFKA_PORT: String(this.port), KAFKA_CONTROLLER_PORT: String(this.controllerPort ?? this.port + 1), KAFKA_SECURITY: this.security },
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
