// docker-compose.yml and the Prometheus scrape configs against authentication (no Docker here to
// run compose): auth-init writes the issuer key and the tokens to a named volume before anything
// starts; every service mounts that volume read-only and reads its issuer.pub.pem and its own
// tokens/<service>.token; Prometheus scrapes /metrics with tokens/prometheus.token, in compose
// from the same volume and on one machine from scripts/platform.sh's MLOPS_AUTH_DIR.
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
