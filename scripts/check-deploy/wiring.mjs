// Every deploy surface lists every service of services/*/src/service.definition.ts with the same
// facts: the image recipe accepts it and probes its HTTP port; compose builds it, publishes its
// ports on loopback by default, gives it its upstreams' addresses and starts it after them; both
// scrape configs scrape its /metrics; an overlay that renames images renames all of them.
import fs from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';

const addressKey = (name) => `${name.toUpperCase().replace(/-/g, '_')}_GRPC_URL`;
const PUBLISH_HOST = '${MLOPS_PUBLISH_HOST:-127.0.0.1}';

/** deploy/docker/service.Dockerfile: the build's case list, the HEALTHCHECK's ports, the header's table. */
export function dockerfileProblems(root, services) {
  const file = 'deploy/docker/service.Dockerfile';
  const text = fs.readFileSync(path.join(root, file), 'utf8');
  const problems = [];
  const cases = /case "\$SERVICE" in\s*\\\s*([a-z|-]+)\)/.exec(text)?.[1]?.split('|') ?? [];
  const defaults = /const defaults = \{([^}]*)\}/.exec(text)?.[1] ?? '';
  const ports = new Map([...defaults.matchAll(/"?([a-z-]+)"?\s*:\s*(\d+)/g)].map((m) => [m[1], Number(m[2])]));
  for (const s of services) {
    if (!cases.includes(s.name)) problems.push(`${file}: the build does not accept SERVICE=${s.name} (its case list)`);
    if (ports.get(s.name) !== s.httpPort) problems.push(`${file}: the HEALTHCHECK's default port for ${s.name} is ${ports.get(s.name) ?? 'missing'}, not ${s.httpPort}`);
    if (!new RegExp(`^#\\s+${s.name}\\s+${s.grpcPort}\\s+${s.httpPort}\\b`, 'm').test(text)) problems.push(`${file}: the header's port table has no row "${s.name} ${s.grpcPort} ${s.httpPort}"`);
  }
  for (const c of cases) if (!services.some((s) => s.name === c)) problems.push(`${file}: the build accepts SERVICE=${c}, which is no service`);
  return problems;
}

/** A compose port entry, short ("host:published:target") or long syntax, as { host, target }. */
function portEntry(entry) {
  if (typeof entry === 'object') return { host: entry.host_ip, target: Number(entry.target) };
  const parts = String(entry).replace(/\/(tcp|udp)$/, '').split(/:(?![^{]*\})/);
  return { host: parts.length === 3 ? parts[0] : undefined, target: Number(parts.at(-1)) };
}

/** docker-compose.yml: build args, published ports, listen address, upstream addresses, start order. */
export function composeServiceProblems(root, services) {
  const compose = YAML.parse(fs.readFileSync(path.join(root, 'docker-compose.yml'), 'utf8'), { merge: true });
  const problems = [];
  for (const s of services) {
    const svc = compose.services?.[s.name];
    if (!svc) continue; // composeAuthProblems names it
    const say = (what) => problems.push(`docker-compose.yml: ${s.name} ${what}`);
    const args = svc.build?.args ?? {};
    if (args.SERVICE !== s.name) say(`must build with the arg SERVICE: ${s.name} (not ${args.SERVICE ?? 'nothing'})`);
    const env = svc.environment ?? {};
    const grpcPort = Number(env[`${s.envPrefix}_GRPC_PORT`] ?? s.grpcPort);
    const httpPort = Number(env[`${s.envPrefix}_HTTP_PORT`] ?? s.httpPort);
    if (args.HTTP_PORT !== undefined && Number(args.HTTP_PORT) !== httpPort) say(`builds with HTTP_PORT ${args.HTTP_PORT}, but listens on ${httpPort} (the HEALTHCHECK would probe the wrong port)`);
    const ports = (svc.ports ?? []).map(portEntry);
    for (const port of [grpcPort, httpPort]) {
      const entry = ports.find((p) => p.target === port);
      if (!entry) say(`does not publish its port ${port}`);
      else if (entry.host !== PUBLISH_HOST) say(`must publish ${port} on ${PUBLISH_HOST} (loopback unless asked), not ${entry.host ?? 'every interface'}`);
    }
    if (env.BIND_HOST !== '0.0.0.0') say('needs BIND_HOST 0.0.0.0 (the services listen on loopback by default)');
    for (const key of ['KAFKA_BROKERS', 'DATABASE_URL']) if (!env[key]) say(`reads ${key}, which is not set`);
    for (const dep of ['kafka', 'postgres']) if (svc.depends_on?.[dep]?.condition !== 'service_healthy') say(`must depend on ${dep} with condition service_healthy`);
    for (const name of s.upstream) {
      const upstream = services.find((u) => u.name === name);
      const expected = `${name}:${upstream?.grpcPort}`;
      if (env[addressKey(name)] !== expected) say(`calls ${name}: ${addressKey(name)} must be ${expected} (its compose name and gRPC port), not ${env[addressKey(name)] ?? 'unset'}`);
      if (!svc.depends_on?.[name]) say(`calls ${name}: it must depend on it (start order)`);
    }
  }
  return problems;
}

/** Both scrape configs: job mlops scrapes each service once, at its HTTP port, labelled service: <name>. */
export function scrapeTargetProblems(root, services) {
  const problems = [];
  const configs = [
    ['deploy/prometheus/prometheus.yml', (s) => `${s.name}:${s.httpPort}`],
    ['deploy/prometheus/prometheus.local.yml', (s) => `127.0.0.1:${s.httpPort}`],
  ];
  for (const [file, address] of configs) {
    const config = YAML.parse(fs.readFileSync(path.join(root, file), 'utf8'));
    const job = (config.scrape_configs ?? []).find((j) => j.job_name === 'mlops');
    const targets = (job?.static_configs ?? []).flatMap((sc) => (sc.targets ?? []).map((target) => ({ target, service: sc.labels?.service })));
    for (const s of services) {
      const found = targets.filter((t) => t.service === s.name).map((t) => t.target);
      if (found.length !== 1 || found[0] !== address(s)) problems.push(`${file}: job mlops must scrape ${s.name} once, at ${address(s)} with the label service: ${s.name} (found: ${found.join(', ') || 'none'})`);
    }
    for (const t of targets) if (!services.some((s) => s.name === t.service)) problems.push(`${file}: target ${t.target} is labelled service: ${t.service}, which is no service`);
  }
  return problems;
}

/** An overlay with `images` names every image of the base's Deployments (else one stays at mlops/<name>:latest). */
export function overlayImageProblems(k8sDir, overlay, baseObjects) {
  const kustomization = YAML.parse(fs.readFileSync(path.join(k8sDir, overlay, 'kustomization.yaml'), 'utf8'));
  const renamed = new Set((kustomization.images ?? []).map((i) => i.name));
  if (renamed.size === 0) return [];
  const used = new Set(baseObjects.filter((o) => o.kind === 'Deployment').flatMap((d) => d.spec.template.spec.containers.map((c) => c.image.replace(/[:@].*$/, ''))));
  return [...used].filter((image) => !renamed.has(image)).map((image) => `${overlay}/kustomization.yaml: images does not list ${image} (the others are renamed; this one would stay as in the base)`);
}
