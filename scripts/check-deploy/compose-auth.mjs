// docker-compose.yml and the Prometheus scrape configs against authentication (no Docker here to
// run compose): auth-init writes the issuer key and the tokens to a named volume before anything
// starts; every service mounts that volume read-only and reads its issuer.pub.pem and its own
// tokens/<service>.token; Prometheus scrapes /metrics with tokens/prometheus.token, in compose
// from the same volume and on one machine from scripts/platform.sh's MLOPS_AUTH_DIR. A service
// without a token of its own (the console) must not mount that volume (the tokens are readable
// there): a one-shot copies issuer.pub.pem alone into a volume of its own.
import fs from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';

/** A compose volume entry, short ("auth:/auth:ro") or long syntax, as { source, target, readOnly }. */
function volumeMount(entry) {
  if (typeof entry === 'string') {
    const [source, target, mode = ''] = entry.split(':');
    return { source, target, readOnly: mode.split(',').includes('ro') };
  }
  return { source: entry.source, target: entry.target, readOnly: entry.read_only === true };
}

/** The credentials_file of the `mlops` scrape job, resolved as Prometheus does (relative to the config's directory). */
function scrapeCredentials(root, file) {
  const config = YAML.parse(fs.readFileSync(path.join(root, file), 'utf8'));
  const job = (config.scrape_configs ?? []).find((j) => j.job_name === 'mlops');
  const auth = job?.authorization;
  if (!auth?.credentials_file || (auth.type ?? 'Bearer') !== 'Bearer') return { problem: `${file}: job mlops must scrape with authorization: { type: Bearer, credentials_file: ... } (/metrics needs a token)` };
  const credentials = auth.credentials_file;
  return { credentials, resolved: path.isAbsolute(credentials) ? credentials : path.resolve(path.dirname(path.join(root, file)), credentials) };
}

const commandOf = (svc) => (Array.isArray(svc.command) ? svc.command : String(svc.command ?? '').split(/\s+/).filter(Boolean));
const dependsOn = (svc, name, condition) => {
  const dep = Array.isArray(svc.depends_on) ? (svc.depends_on.includes(name) ? { condition: 'service_started' } : undefined) : svc.depends_on?.[name];
  return dep !== undefined && (dep.condition ?? 'service_started') === condition;
};

/**
 * A service that holds no token (the console): it reads the issuer's public key from a named
 * volume that only a one-shot writes, with `cp <auth>/issuer.pub.pem <its volume>/...` after
 * auth-init; it does not mount the volume of the tokens and sets no MLOPS_AUTH_TOKEN_FILE.
 */
function publicKeyOnlyProblems(compose, name, svc, authVolume) {
  const problems = [];
  const say = (what) => problems.push(`docker-compose.yml: ${name} ${what}`);
  const env = svc.environment ?? {};
  const mounts = (svc.volumes ?? []).map(volumeMount);
  if (env.MLOPS_AUTH_TOKEN_FILE !== undefined) say('sets MLOPS_AUTH_TOKEN_FILE: it holds no token of its own');
  if (mounts.some((m) => m.source === authVolume)) say(`must not mount the volume ${authVolume}: every service's token is readable there, and ${name} holds none (it calls with its caller's)`);
  if (env.MLOPS_AUTH === 'disabled' || problems.length > 0) return problems;
  const keyFile = String(env.MLOPS_AUTH_PUBLIC_KEYS_FILE ?? '');
  const mount = mounts.filter((m) => keyFile.startsWith(`${m.target}/`)).sort((a, b) => b.target.length - a.target.length)[0];
  if (!mount || !Object.hasOwn(compose.volumes ?? {}, mount.source)) return [...problems, `docker-compose.yml: ${name}: MLOPS_AUTH_PUBLIC_KEYS_FILE=${keyFile || 'nothing'} is in no named volume it mounts`];
  if (!mount.readOnly) say(`must mount the volume ${mount.source} read-only (:ro)`);
  const writers = Object.entries(compose.services ?? {}).filter(([, other]) => (other.volumes ?? []).map(volumeMount).some((m) => m.source === mount.source && !m.readOnly));
  if (writers.length !== 1) return [...problems, `docker-compose.yml: the volume ${mount.source} (${name}'s public key) must be written by one one-shot service, not ${writers.length}`];
  const [writerName, writer] = writers[0];
  const from = (writer.volumes ?? []).map(volumeMount).find((m) => m.source === authVolume);
  const to = (writer.volumes ?? []).map(volumeMount).find((m) => m.source === mount.source);
  const expected = ['cp', `${from?.target}/issuer.pub.pem`, `${to.target}${keyFile.slice(mount.target.length)}`];
  if (!from?.readOnly || commandOf(writer).join(' ') !== expected.join(' ')) problems.push(`docker-compose.yml: ${writerName} must mount ${authVolume} read-only and run only \`${expected.join(' ')}\` (the public key, no token)`);
  if (writer.restart && writer.restart !== 'no') problems.push(`docker-compose.yml: ${writerName} is a one-shot: restart "no"`);
  if (!dependsOn(writer, 'auth-init', 'service_completed_successfully')) problems.push(`docker-compose.yml: ${writerName} must depend on auth-init with condition service_completed_successfully`);
  if (!dependsOn(svc, writerName, 'service_completed_successfully')) say(`must depend on ${writerName} with condition service_completed_successfully`);
  return problems;
}

export function composeAuthProblems(root, services) {
  const problems = [];
  const compose = YAML.parse(fs.readFileSync(path.join(root, 'docker-compose.yml'), 'utf8'), { merge: true });
  const init = compose.services?.['auth-init'];
  if (!init) return ['docker-compose.yml: no auth-init service (it writes the issuer key and the tokens)'];
  const command = Array.isArray(init.command) ? init.command : String(init.command ?? '').split(/\s+/);
  const at = command.indexOf('init');
  if (command[at - 1] !== 'auth' || !command.some((a) => /libs\/cli\/dist\/main\.js$/.test(a))) problems.push('docker-compose.yml: auth-init must run `node libs/cli/dist/main.js auth init`');
  const dir = command[command.indexOf('--dir') + 1];
  if (!command.includes('--dir') || !dir) problems.push('docker-compose.yml: auth-init needs --dir (inside its volume)');
  // The services run as node and Prometheus as nobody: the tokens must be readable by both.
  if (!command.includes('--readable')) problems.push('docker-compose.yml: auth-init needs --readable (the services and Prometheus run as other users than auth-init)');
  const initMount = (init.volumes ?? []).map(volumeMount).find((m) => m.target === dir);
  if (!initMount || !compose.volumes || !Object.hasOwn(compose.volumes, initMount.source)) problems.push(`docker-compose.yml: auth-init must write --dir ${dir} to a named volume`);
  if (init.restart && init.restart !== 'no') problems.push('docker-compose.yml: auth-init is a one-shot: restart "no"');
  if (problems.length > 0) return problems;
  const volume = initMount.source;

  /** The container's read-only mount of the auth volume, or a problem said. */
  const authMount = (name, svc) => {
    const mount = (svc.volumes ?? []).map(volumeMount).find((m) => m.source === volume);
    if (!mount) problems.push(`docker-compose.yml: ${name} does not mount the volume ${volume}`);
    else if (!mount.readOnly) problems.push(`docker-compose.yml: ${name} must mount the volume ${volume} read-only (:ro)`);
    if (svc.depends_on?.['auth-init']?.condition !== 'service_completed_successfully') problems.push(`docker-compose.yml: ${name} must depend on auth-init with condition service_completed_successfully`);
    return mount;
  };

  for (const s of services) {
    const svc = compose.services?.[s.name];
    if (!svc) {
      problems.push(`docker-compose.yml: no service ${s.name}`);
      continue;
    }
    if (!s.ownToken) {
      problems.push(...publicKeyOnlyProblems(compose, s.name, svc, volume));
      continue;
    }
    const mount = authMount(s.name, svc);
    if (!mount) continue;
    const env = svc.environment ?? {};
    const expected = { MLOPS_AUTH_PUBLIC_KEYS_FILE: `${mount.target}/issuer.pub.pem`, MLOPS_AUTH_TOKEN_FILE: `${mount.target}/tokens/${s.name}.token` };
    if (env.MLOPS_AUTH === 'disabled') continue;
    for (const [key, value] of Object.entries(expected)) {
      if (env[key] !== value) problems.push(`docker-compose.yml: ${s.name} must set ${key}=${value} (what auth-init writes), not ${env[key] ?? 'nothing'}`);
    }
  }

  const scrape = scrapeCredentials(root, 'deploy/prometheus/prometheus.yml');
  const prometheus = compose.services?.prometheus;
  if (scrape.problem) problems.push(scrape.problem);
  else if (prometheus) {
    const mount = authMount('prometheus', prometheus);
    if (mount && scrape.credentials !== `${mount.target}/tokens/prometheus.token`) problems.push(`deploy/prometheus/prometheus.yml: credentials_file must be ${mount.target}/tokens/prometheus.token (compose's prometheus mounts the volume ${volume} at ${mount.target}), not ${scrape.credentials}`);
  }

  // On one machine: scripts/platform.sh runs `auth init --dir $MLOPS_AUTH_DIR` (scripts/env.sh).
  const envSh = fs.readFileSync(path.join(root, 'scripts/env.sh'), 'utf8');
  const authDir = /MLOPS_AUTH_DIR="\$\{MLOPS_AUTH_DIR:-\$MLOPS_ROOT\/([^}"]+)\}"/.exec(envSh)?.[1] ?? 'var/auth';
  const local = scrapeCredentials(root, 'deploy/prometheus/prometheus.local.yml');
  if (local.problem) problems.push(local.problem);
  else if (local.resolved !== path.join(root, authDir, 'tokens/prometheus.token')) problems.push(`deploy/prometheus/prometheus.local.yml: credentials_file ${local.credentials} is not ${authDir}/tokens/prometheus.token (the default MLOPS_AUTH_DIR of scripts/env.sh)`);
  return problems;
}
