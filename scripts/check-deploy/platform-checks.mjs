// 3. The rendered manifests against the code: each service of services/*/src/service.definition.ts
// runs with its ports and probes, its upstream addresses and the env keys the code reads, as a
// non-root container with a read-only root filesystem; references between objects resolve; its
// key, token and TLS files are files of Secret volumes mounted read-only (not subPath); it mounts
// no token but its own (the console none: it calls with its caller's).
import fs from 'node:fs';
import path from 'node:path';
import { objectId } from './kustomize.mjs';

/** The services `mlops auth init` issues tokens to: libs/client's SERVICE_NAMES (the six). */
export function tokenHolders(root) {
  const text = fs.readFileSync(path.join(root, 'libs/client/src/addresses.ts'), 'utf8');
  const list = /SERVICE_NAMES\b[^=]*=\s*\[([^\]]*)\]/.exec(text)?.[1];
  if (!list) throw new Error('libs/client/src/addresses.ts: no SERVICE_NAMES list');
  return [...list.matchAll(/'([^']+)'/g)].map((m) => m[1]);
}

/**
 * name, envPrefix, ports and upstreams of each service, and the env keys it reads. `facts` adds
 * what a service.definition.ts does not say, by service name: `calls` (services it calls beyond
 * its `upstream`, with their <NAME>_GRPC_URL) and `ownToken: false` (it holds no token).
 */
export function serviceDefinitions(root, facts = {}) {
  const platformConfig = fs.readFileSync(path.join(root, 'libs/nest-platform/src/platform-config.ts'), 'utf8');
  const platformKeys = [...platformConfig.matchAll(/\[\s*[`'"]([A-Z0-9_${}.a-zA-Z]+)[`'"]\s*,/g)].map((m) => m[1]);
  const services = [];
  for (const dir of fs.readdirSync(path.join(root, 'services'))) {
    const file = path.join(root, 'services', dir, 'src/service.definition.ts');
    if (!fs.existsSync(file)) continue;
    const text = fs.readFileSync(file, 'utf8');
    const field = (name) => new RegExp(`\\b${name}:\\s*['"]?([^'",\\s]+)`).exec(text)?.[1];
    const def = { name: field('name'), envPrefix: field('envPrefix'), grpcPort: Number(field('defaultGrpcPort')), httpPort: Number(field('defaultHttpPort')) };
    def.upstream = [...(/upstream:\s*\[([\s\S]*?)\]/.exec(text)?.[1] ?? '').matchAll(/name:\s*'([^']+)'/g)].map((m) => m[1]);
    def.upstream = [...new Set([...def.upstream, ...(facts[def.name]?.calls ?? [])])];
    def.ownToken = facts[def.name]?.ownToken ?? true;
    const configDir = path.join(root, 'services', dir, 'src/config');
    const own = fs.existsSync(configDir)
      ? fs.readdirSync(configDir).flatMap((f) => [...fs.readFileSync(path.join(configDir, f), 'utf8').matchAll(/\b([A-Z][A-Z0-9_]+):\s*[a-zA-Z]+\(/g)].map((m) => m[1]))
      : [];
    const upstreamKeys = def.upstream.map((u) => `${u.toUpperCase().replace(/-/g, '_')}_GRPC_URL`);
    def.envKeys = new Set([...platformKeys.map((k) => k.replace('${def.envPrefix}', def.envPrefix)), ...upstreamKeys, ...own]);
    def.upstreamKeys = upstreamKeys;
    services.push(def);
  }
  return services;
}

/** `mlops auth init` issues a token to exactly the services that call with their own. */
export function tokenHolderProblems(services, holders) {
  const problems = [];
  for (const s of services) {
    if (s.ownToken && !holders.includes(s.name)) problems.push(`${s.name} calls with its own token, but \`mlops auth init\` issues none to it (libs/client SERVICE_NAMES)`);
    if (!s.ownToken && holders.includes(s.name)) problems.push(`${s.name} holds no token of its own, but \`mlops auth init\` issues ${s.name}.token`);
  }
  return problems;
}

const podSpecOf = (o) => o.spec?.template?.spec;

const AUTH_FILE_KEYS = ['MLOPS_AUTH_PUBLIC_KEYS_FILE', 'MLOPS_AUTH_TOKEN_FILE'];
const TLS_FILE_KEYS = ['MLOPS_TLS_CERT_FILE', 'MLOPS_TLS_KEY_FILE', 'MLOPS_TLS_CA_FILE'];

/** The Secret sources of a volume: a secret volume's, or those of a projected volume. */
const secretSources = (volume) => (volume?.secret ? [volume.secret] : (volume?.projected?.sources ?? []).filter((src) => src.secret).map((src) => src.secret));

/**
 * Where a container finds `file`: { secret, key } when it is a file of a mounted Secret volume
 * (or of a Secret source of a projected volume), else { problem }. The services re-read key and
 * token files when they change, which a subPath mount never shows them.
 */
function secretFile(spec, c, file) {
  const mount = (c.volumeMounts ?? [])
    .filter((m) => file === m.mountPath || file.startsWith(`${m.mountPath.replace(/\/$/, '')}/`))
    .sort((a, b) => b.mountPath.length - a.mountPath.length)[0];
  if (!mount) return { problem: 'is under no volume mount of the container' };
  if (mount.subPath || mount.subPathExpr) return { problem: `volume "${mount.name}" is mounted with subPath, which does not follow Secret updates (rotation)` };
  if (mount.readOnly !== true) return { problem: `volume "${mount.name}" must be mounted readOnly` };
  const relative = file.slice(mount.mountPath.replace(/\/$/, '').length + 1);
  const volume = (spec.volumes ?? []).find((v) => v.name === mount.name);
  const sources = secretSources(volume);
  if (sources.length === 0) return { problem: `volume "${mount.name}" is not a Secret volume` };
  for (const source of sources) {
    const secret = source.secretName ?? source.name;
    if (!source.items) return { secret, key: relative };
    const item = source.items.find((i) => i.path === relative);
    if (item) return { secret, key: item.key };
  }
  return { problem: `volume "${mount.name}" projects no file ${relative} (its items)` };
}
const matches = (selector, labels) => Object.entries(selector ?? {}).every(([k, v]) => labels?.[k] === v);

/**
 * The tokens a container can read: none but its own <name>.token (none for the console). The
 * Secret with the issuer's public keys holds every service's token, so it is mounted with
 * `items`, never whole.
 */
function tokenMountProblems(d, spec, c, service, env) {
  const problems = [];
  const keysFile = env.get('MLOPS_AUTH_PUBLIC_KEYS_FILE');
  const authSecret = keysFile ? secretFile(spec, c, String(keysFile)).secret : undefined;
  const allowed = service.ownToken ? [`${service.name}.token`] : [];
  for (const m of c.volumeMounts ?? []) {
    for (const source of secretSources((spec.volumes ?? []).find((v) => v.name === m.name))) {
      const secret = source.secretName ?? source.name;
      if (!source.items && secret === authSecret) problems.push(`${objectId(d)}: volume "${m.name}" mounts all of Secret ${secret}, every service's token with it: list items (issuer.pub.pem${allowed.length ? `, ${allowed[0]}` : ' only'})`);
      for (const item of source.items ?? []) {
        if (item.key.endsWith('.token') && !allowed.includes(item.key)) problems.push(`${objectId(d)}: volume "${m.name}" projects ${item.key} of Secret ${secret}: ${service.ownToken ? `${service.name} reads only its own token, ${allowed[0]}` : `${service.name} holds no token (it calls with its caller's)`}`);
      }
    }
  }
  return problems;
}

export function platformProblems(objects, services) {
  const problems = [];
  const say = (o, what) => problems.push(`${objectId(o)}: ${what}`);
  const byKind = (kind) => objects.filter((o) => o.kind === kind);
  const find = (kind, name) => objects.find((o) => o.kind === kind && o.metadata.name === name);
  const deployments = byKind('Deployment');
  const allKeys = new Set(services.flatMap((s) => [...s.envKeys]));

  for (const d of deployments) {
    const spec = podSpecOf(d);
    if (!matches(d.spec.selector?.matchLabels, d.spec.template?.metadata?.labels)) say(d, 'spec.selector does not select its own pod template');
    const service = services.find((s) => s.name === d.metadata.name);
    const podRunsAsNonRoot = spec.securityContext?.runAsNonRoot === true;
    for (const c of spec.containers) {
      const ports = new Map((c.ports ?? []).map((p) => [p.name, p.containerPort]));
      for (const probe of ['livenessProbe', 'readinessProbe', 'startupProbe']) {
        const port = c[probe]?.httpGet?.port;
        if (port !== undefined && typeof port === 'string' && !ports.has(port)) say(d, `${c.name} ${probe} uses port "${port}", which the container does not declare`);
      }
      if (!(podRunsAsNonRoot || c.securityContext?.runAsNonRoot === true)) say(d, `${c.name} must run as non-root (runAsNonRoot)`);
      if (c.securityContext?.readOnlyRootFilesystem !== true) say(d, `${c.name} needs readOnlyRootFilesystem: true`);
      if (c.securityContext?.allowPrivilegeEscalation !== false) say(d, `${c.name} needs allowPrivilegeEscalation: false`);
      if (!c.resources?.requests?.cpu || !c.resources?.limits?.memory) say(d, `${c.name} needs cpu requests and memory limits`);
      const mountNames = new Set((spec.volumes ?? []).map((v) => v.name));
      for (const m of c.volumeMounts ?? []) if (!mountNames.has(m.name)) say(d, `${c.name} mounts volume "${m.name}", which the pod does not define`);
      for (const from of c.envFrom ?? []) {
        if (from.configMapRef && !find('ConfigMap', from.configMapRef.name)) say(d, `envFrom ConfigMap ${from.configMapRef.name} is not in the rendering`);
        if (from.secretRef && !find('Secret', from.secretRef.name)) say(d, `envFrom Secret ${from.secretRef.name} is not in the rendering`);
      }
      for (const e of c.env ?? []) if (!allKeys.has(e.name)) say(d, `env ${e.name} is read by no service`);
      if (!service) continue;
      // The service's own view of its environment: the ConfigMaps and Secrets it loads, then env.
      const env = new Map();
      for (const from of c.envFrom ?? []) {
        const source = from.configMapRef ? find('ConfigMap', from.configMapRef.name) : find('Secret', from.secretRef?.name);
        for (const [k, v] of Object.entries({ ...(source?.data ?? {}), ...(source?.stringData ?? {}) })) {
          if (!allKeys.has(k)) say(d, `${k} (from ${source.kind} ${source.metadata.name}) is read by no service`);
          env.set(k, v);
        }
      }
      for (const e of c.env ?? []) env.set(e.name, e.value);
      const grpcPort = Number(env.get(`${service.envPrefix}_GRPC_PORT`) ?? service.grpcPort);
      const httpPort = Number(env.get(`${service.envPrefix}_HTTP_PORT`) ?? service.httpPort);
      if (ports.get('grpc') !== grpcPort) say(d, `container port "grpc" must be ${grpcPort} (the port ${service.name} listens on)`);
      if (ports.get('http') !== httpPort) say(d, `container port "http" must be ${httpPort} (the port ${service.name} listens on)`);
      if (c.livenessProbe?.httpGet?.path !== '/health/live') say(d, 'livenessProbe must GET /health/live');
      if (c.readinessProbe?.httpGet?.path !== '/health/ready') say(d, 'readinessProbe must GET /health/ready');
      if (env.get('BIND_HOST') !== '0.0.0.0') say(d, 'BIND_HOST must be 0.0.0.0 (the services listen on loopback by default)');
      for (const key of ['KAFKA_BROKERS', 'DATABASE_URL', ...service.upstreamKeys]) if (!env.has(key)) say(d, `${service.name} reads ${key}, which is not set`);
      for (const key of service.upstreamKeys) {
        const [host, port] = String(env.get(key) ?? '').split(':');
        const upstream = services.find((s) => `${s.name.toUpperCase().replace(/-/g, '_')}_GRPC_URL` === key);
        const target = find('Service', host);
        if (env.has(key) && (!target || !target.spec.ports.some((p) => p.port === Number(port)) || Number(port) !== upstream?.grpcPort)) say(d, `${key}=${env.get(key)} is not the gRPC port of a Service in the rendering`);
      }
      // Authentication is on unless MLOPS_AUTH=disabled: the issuer's public keys and the
      // service's own token (required with upstreams; the platform gives it to all six). The
      // console has none: it calls with the token of the person using it.
      if (env.get('MLOPS_AUTH') !== 'disabled') {
        for (const key of service.ownToken ? AUTH_FILE_KEYS : ['MLOPS_AUTH_PUBLIC_KEYS_FILE']) if (!env.get(key)) say(d, `${service.name} reads ${key}, which is not set (authentication is required unless MLOPS_AUTH=disabled)`);
      }
      if (!service.ownToken && env.has('MLOPS_AUTH_TOKEN_FILE')) say(d, `MLOPS_AUTH_TOKEN_FILE is set: ${service.name} holds no token of its own (it calls with its caller's)`);
      problems.push(...tokenMountProblems(d, spec, c, service, env));
      const tls = TLS_FILE_KEYS.filter((k) => env.get(k));
      if (tls.length !== 0 && tls.length !== TLS_FILE_KEYS.length) say(d, `${TLS_FILE_KEYS.join(', ')} go together (mutual TLS); only ${tls.join(', ')} set`);
      for (const key of [...AUTH_FILE_KEYS, ...TLS_FILE_KEYS]) {
        if (!env.get(key)) continue;
        const where = secretFile(spec, c, String(env.get(key)));
        if (where.problem) say(d, `${key}=${env.get(key)} ${where.problem}`);
        else if (key === 'MLOPS_AUTH_TOKEN_FILE' && service.ownToken && where.key !== `${service.name}.token`) say(d, `MLOPS_AUTH_TOKEN_FILE is key ${where.key} of Secret ${where.secret}: ${service.name} calls with its own token, ${service.name}.token`);
      }
      if (service.envKeys.has('REGISTRY_ARTIFACT_DIR')) {
        const dir = env.get('REGISTRY_ARTIFACT_DIR');
        const mount = (c.volumeMounts ?? []).find((m) => m.mountPath === dir);
        const volume = (spec.volumes ?? []).find((v) => v.name === mount?.name);
        if (!volume?.persistentVolumeClaim) say(d, 'REGISTRY_ARTIFACT_DIR must be the mount path of a PersistentVolumeClaim');
        else if (!find('PersistentVolumeClaim', volume.persistentVolumeClaim.claimName)) say(d, `PersistentVolumeClaim ${volume.persistentVolumeClaim.claimName} is not in the rendering`);
      }
    }
  }
  for (const s of services) {
    if (!find('Deployment', s.name)) problems.push(`no Deployment for service ${s.name}`);
    if (!find('Service', s.name)) problems.push(`no Service for service ${s.name}`);
  }
  for (const svc of byKind('Service')) {
    const pods = deployments.filter((d) => matches(svc.spec.selector, d.spec.template?.metadata?.labels));
    if (pods.length !== 1) say(svc, `selects ${pods.length} Deployments (expected 1)`);
    for (const p of svc.spec.ports ?? []) {
      const declared = pods.flatMap((d) => podSpecOf(d).containers.flatMap((c) => c.ports ?? []));
      if (typeof p.targetPort === 'string' && !declared.some((c) => c.name === p.targetPort)) say(svc, `targetPort "${p.targetPort}" is no container port of the selected pods`);
    }
  }
  for (const hpa of byKind('HorizontalPodAutoscaler')) {
    const target = find(hpa.spec.scaleTargetRef.kind, hpa.spec.scaleTargetRef.name);
    if (!target) say(hpa, `scales ${hpa.spec.scaleTargetRef.kind}/${hpa.spec.scaleTargetRef.name}, which is not in the rendering`);
    else if (target.spec.replicas !== undefined) say(hpa, `${objectId(target)} sets spec.replicas: every apply would reset what the autoscaler chose`);
    if ((hpa.spec.minReplicas ?? 1) > hpa.spec.maxReplicas) say(hpa, 'minReplicas is above maxReplicas');
  }
  return problems;
}
