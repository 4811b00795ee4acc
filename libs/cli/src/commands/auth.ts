import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { ROLES, type Role, SERVICE_ROLES, generateIssuerKeys, issueToken } from '@mlops/auth';
import { SERVICE_NAMES, type ServiceName, mergedAuditLog } from '@mlops/client';
import type { CommandSpec } from '../command';
import { UsageError } from '../errors';
import { formatDateTime } from '../render/format';
import { LIMIT_OPTION, emit, table } from './shared';

const DEFAULT_DIR = 'var/auth';

/** "90s", "15m", "8h", "30d" → seconds. */
export function parseTtl(text: string): number {
  const match = /^(\d+)([smhd])$/.exec(text.trim());
  if (!match) throw new UsageError(`ttl "${text}" must be a number and a unit: 90s, 15m, 8h, 30d`, 'auth token');
  return Number(match[1]) * { s: 1, m: 60, h: 3600, d: 86_400 }[match[2] as 's' | 'm' | 'h' | 'd'];
}

/** "engineer,viewer" → roles; issueToken names unknown ones. */
const parseRoles = (text: string) => text.split(',').map((r) => r.trim()).filter(Boolean) as Role[];

const writeSecret = (file: string, content: string, mode = 0o600) => {
  writeFileSync(file, content, { mode });
  chmodSync(file, mode);
};

/** Clients that are not platform services but get a token from `auth init`: Prometheus scrapes /metrics. */
const OTHER_CLIENTS: Record<string, Role[]> = { prometheus: ['viewer'] };

const init: CommandSpec = {
  path: 'auth init',
  summary: "make the token issuer's keys and the services' and an admin's tokens",
  description:
    'Writes <dir>/issuer.key (the private key: keep it where only token issuers can read it), <dir>/issuer.pub.pem ' +
    '(every service trusts it: MLOPS_AUTH_PUBLIC_KEYS_FILE), <dir>/tokens/<service>.token (each service calls the others ' +
    'as service:<name>: MLOPS_AUTH_TOKEN_FILE), <dir>/tokens/prometheus.token (a viewer, for scraping /metrics) and ' +
    '<dir>/tokens/admin.token (for the CLI: MLOPS_TOKEN_FILE). ' +
    'An existing issuer key is kept (tokens are re-issued with it) unless --force.',
  options: {
    dir: { type: 'string', valueName: 'dir', description: `where to write (default MLOPS_AUTH_DIR or ${DEFAULT_DIR})` },
    'ttl-days': { type: 'int', valueName: 'n', description: 'lifetime of the tokens written (default 30)' },
    force: { type: 'boolean', description: 'make a new issuer key even if one exists (every old token stops working)' },
    readable: { type: 'boolean', description: 'service and Prometheus tokens readable by every user (0644; for a volume shared by containers running as different users); the issuer key and the admin token stay 0600' },
  },
  examples: ['mlops auth init', 'mlops auth init --dir /etc/mlops/auth --ttl-days 7'],
  async run(ctx, input) {
    const dir = input.str('dir') ?? ctx.env.MLOPS_AUTH_DIR ?? DEFAULT_DIR;
    const ttlSeconds = (input.num('ttl-days') ?? 30) * 86_400;
    if (!(ttlSeconds > 0)) throw new UsageError('--ttl-days must be positive', 'auth init');
    mkdirSync(path.join(dir, 'tokens'), { recursive: true, mode: 0o700 });
    const keyFile = path.join(dir, 'issuer.key');
    const publicFile = path.join(dir, 'issuer.pub.pem');
    const fresh = input.flag('force') || !existsSync(keyFile);
    if (fresh) {
      const keys = generateIssuerKeys();
      writeSecret(keyFile, keys.privateKeyPem);
      writeFileSync(publicFile, keys.publicKeyPem);
    }
    const privateKeyPem = readFileSync(keyFile, 'utf8');
    const mode = input.flag('readable') ? 0o644 : 0o600;
    if (input.flag('readable')) for (const d of [dir, path.join(dir, 'tokens')]) chmodSync(d, 0o755);
    const written: Record<string, string> = {};
    const identities: Array<[string, string, Role[]]> = [
      ...SERVICE_NAMES.map((s): [string, string, Role[]] => [s, `service:${s}`, SERVICE_ROLES[s] ?? ['viewer']]),
      ...Object.entries(OTHER_CLIENTS).map(([name, roles]): [string, string, Role[]] => [name, `client:${name}`, roles]),
    ];
    for (const [name, sub, roles] of identities) {
      const file = path.join(dir, 'tokens', `${name}.token`);
      writeSecret(file, issueToken(privateKeyPem, { sub, roles, ttlSeconds }), mode);
      written[name] = file;
    }
    const adminFile = path.join(dir, 'tokens', 'admin.token');
    // The admin token stays 0600 even with --readable: no service or container needs it.
    writeSecret(adminFile, issueToken(privateKeyPem, { sub: ctx.env.USER ? `admin:${ctx.env.USER}` : 'admin', roles: ['admin'], ttlSeconds }));
    emit(ctx, { dir, issuerKey: keyFile, publicKeys: publicFile, tokens: written, adminToken: adminFile, newIssuerKey: fresh }, () =>
      [
        `${fresh ? 'new issuer key' : 'kept the issuer key'} ${keyFile}; tokens for ${SERVICE_NAMES.length} services, ${Object.keys(OTHER_CLIENTS).join(', ')} and an admin, valid ${ttlSeconds / 86_400} days`,
        `services: MLOPS_AUTH_PUBLIC_KEYS_FILE=${publicFile} MLOPS_AUTH_TOKEN_FILE=${path.join(dir, 'tokens')}/<service>.token`,
        `CLI:      export MLOPS_TOKEN_FILE=${adminFile}`,
      ].join('\n'),
    );
  },
};

const token: CommandSpec = {
  path: 'auth token',
  summary: 'issue a bearer token for a person or a client',
  description: `Roles: ${ROLES.join(', ')} (every role reads descriptions; reader, engineer and approver also read data and model bytes; admin can do everything). Prints the token on stdout.`,
  options: {
    sub: { type: 'string', valueName: 'name', description: 'who the token is for (required)' },
    roles: { type: 'string', valueName: 'r1,r2', description: 'its roles (required)' },
    ttl: { type: 'string', valueName: 'duration', description: 'lifetime: 90s, 15m, 8h, 30d (default 8h)' },
    key: { type: 'string', valueName: 'file', description: `the issuer's private key (default MLOPS_AUTH_ISSUER_KEY_FILE or ${DEFAULT_DIR}/issuer.key)` },
  },
  examples: ['mlops auth token --sub alice --roles engineer', 'mlops auth token --sub release-bot --roles approver --ttl 15m'],
  async run(ctx, input) {
    const sub = input.str('sub');
    const roles = input.str('roles');
    if (!sub || !roles) throw new UsageError('--sub and --roles are required', 'auth token');
    const keyFile = input.str('key') ?? ctx.env.MLOPS_AUTH_ISSUER_KEY_FILE ?? path.join(ctx.env.MLOPS_AUTH_DIR ?? DEFAULT_DIR, 'issuer.key');
    if (!existsSync(keyFile)) throw new UsageError(`no issuer key at ${keyFile}: run 'mlops auth init' or give --key`, 'auth token');
    let value: string;
    try {
      value = issueToken(readFileSync(keyFile, 'utf8'), { sub, roles: parseRoles(roles), ttlSeconds: parseTtl(input.str('ttl') ?? '8h') });
    } catch (error) {
      if (error instanceof UsageError) throw error;
      throw new UsageError((error as Error).message, 'auth token');
    }
    emit(ctx, { token: value }, () => value);
  },
};

const auditLog: CommandSpec = {
  path: 'audit-log',
  summary: "every service's audit log of changes and refusals, merged, newest first",
  description:
    "Each service records every change asked through its API (with its outcome) and every refusal for lack of a role. " +
    "The registry's governance events (alias moves, approvals, canary verdicts, with the details of each) are merged in as " +
    "actions 'registry:<what>' unless --api-only ('mlops audit' shows them alone).",
  args: [{ name: 'service', required: false, variadic: true }],
  options: {
    principal: { type: 'string', valueName: 'name', description: "only this principal's records" },
    'api-only': { type: 'boolean', description: "without the registry's governance events" },
    ...LIMIT_OPTION,
  },
  examples: ['mlops audit-log', 'mlops audit-log registry serving --principal alice --limit 20'],
  async run(ctx, input) {
    const asked = input.rest('service');
    const unknown = asked.find((s) => !(SERVICE_NAMES as readonly string[]).includes(s));
    if (unknown) throw new UsageError(`unknown service "${unknown}"; services: ${SERVICE_NAMES.join(', ')}`, 'audit-log');
    const { records } = await mergedAuditLog(ctx.clients, {
      services: asked as ServiceName[],
      principal: input.str('principal'),
      apiOnly: input.flag('api-only') ?? false,
      pageSize: Math.min(input.num('limit') ?? 50, 1000),
    });
    emit(ctx, { records }, () =>
      table(
        ctx,
        [{ header: 'at' }, { header: 'service' }, { header: 'principal' }, { header: 'action' }, { header: 'outcome' }, { header: 'request', flex: true }],
        records.map((r) => [formatDateTime(r.atMs), r.service, r.principal, r.action.replace(/^\/mlops\.[a-z]+\.v1\./, ''), r.outcome, r.requestId]),
        'no audit records',
      ),
    );
  },
};

export const AUTH_COMMANDS: CommandSpec[] = [init, token, auditLog];
