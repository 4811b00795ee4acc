// Renders a kustomization offline, for the subset of kustomize that deploy/k8s uses: resources
// (files and directories), namespace, images and JSON 6902 patches with a target. Anything else
// is refused rather than rendered wrongly. When a kubectl with kustomize is on PATH, the check
// also compares this rendering with `kubectl kustomize` (see sameObjects).
import fs from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';

const SUPPORTED = new Set(['apiVersion', 'kind', 'namespace', 'resources', 'images', 'patches']);
const CLUSTER_SCOPED = new Set(['Namespace', 'ClusterRole', 'ClusterRoleBinding', 'PersistentVolume', 'StorageClass', 'CustomResourceDefinition', 'PriorityClass', 'IngressClass', 'ValidatingWebhookConfiguration', 'MutatingWebhookConfiguration']);
const POD_TEMPLATE = { Deployment: ['spec', 'template', 'spec'], StatefulSet: ['spec', 'template', 'spec'], DaemonSet: ['spec', 'template', 'spec'], Job: ['spec', 'template', 'spec'], CronJob: ['spec', 'jobTemplate', 'spec', 'template', 'spec'], Pod: ['spec'] };

export const objectId = (o) => `${o.kind}/${o.metadata?.namespace ? `${o.metadata.namespace}/` : ''}${o.metadata?.name}`;

function kustomizationFile(dir) {
  for (const name of ['kustomization.yaml', 'kustomization.yml', 'Kustomization']) {
    if (fs.existsSync(path.join(dir, name))) return path.join(dir, name);
  }
  throw new Error(`${dir}: no kustomization.yaml`);
}

function readObjects(file) {
  const docs = YAML.parseAllDocuments(fs.readFileSync(file, 'utf8'));
  const objects = [];
  for (const doc of docs) {
    if (doc.errors.length > 0) throw new Error(`${file}: ${doc.errors.map((e) => e.message).join('; ')}`);
    const value = doc.toJS();
    if (value === null || value === undefined) continue;
    if (typeof value !== 'object' || !value.kind || !value.apiVersion || !value.metadata?.name) throw new Error(`${file}: every document needs apiVersion, kind and metadata.name`);
    objects.push(value);
  }
  return objects;
}

// --- JSON 6902 -------------------------------------------------------------------------------
function pointer(p) {
  if (p === '') return [];
  if (!p.startsWith('/')) throw new Error(`JSON pointer must start with "/": ${p}`);
  return p.slice(1).split('/').map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function parentOf(doc, tokens, op) {
  let node = doc;
  for (const t of tokens.slice(0, -1)) {
    node = Array.isArray(node) ? node[Number(t)] : node?.[t];
    if (node === undefined || node === null || typeof node !== 'object') throw new Error(`${op}: path does not exist`);
  }
  return node;
}

export function applyJsonPatch(doc, ops) {
  for (const op of ops) {
    const tokens = pointer(op.path);
    const where = `${op.op} ${op.path}`;
    if (tokens.length === 0) throw new Error(`${where}: the whole document cannot be patched`);
    const parent = parentOf(doc, tokens, where);
    const key = tokens[tokens.length - 1];
    const has = Array.isArray(parent) ? Number(key) < parent.length : Object.hasOwn(parent, key);
    const value = structuredClone(op.value);
    if (op.op === 'add') {
      if (Array.isArray(parent)) parent.splice(key === '-' ? parent.length : Number(key), 0, value);
      else parent[key] = value;
    } else if (op.op === 'replace' || op.op === 'remove') {
      if (!has) throw new Error(`${where}: path does not exist`);
      if (Array.isArray(parent)) parent.splice(Number(key), 1, ...(op.op === 'replace' ? [value] : []));
      else if (op.op === 'replace') parent[key] = value;
      else delete parent[key];
    } else if (op.op === 'test') {
      if (!has || JSON.stringify(parent[key]) !== JSON.stringify(op.value)) throw new Error(`${where}: test failed`);
    } else {
      throw new Error(`${where}: op not supported by the offline renderer`);
    }
  }
}

function matchesTarget(o, target) {
  const [group, version] = o.apiVersion.includes('/') ? o.apiVersion.split('/') : ['', o.apiVersion];
  for (const key of Object.keys(target)) {
    if (!['kind', 'name', 'namespace', 'group', 'version'].includes(key)) throw new Error(`patch target field "${key}" is not supported by the offline renderer`);
  }
  const re = (v) => new RegExp(`^(?:${v})$`);
  return (
    (target.kind === undefined || re(target.kind).test(o.kind)) &&
    (target.name === undefined || re(target.name).test(o.metadata.name)) &&
    (target.namespace === undefined || re(target.namespace).test(o.metadata.namespace ?? '')) &&
    (target.group === undefined || target.group === group) &&
    (target.version === undefined || target.version === version)
  );
}

// --- transformers ----------------------------------------------------------------------------
function setImages(o, images) {
  const specPath = POD_TEMPLATE[o.kind];
  if (!specPath) return;
  const spec = specPath.reduce((n, k) => n?.[k], o);
  for (const c of [...(spec?.containers ?? []), ...(spec?.initContainers ?? [])]) {
    const m = /^([^@:]+(?::\d+\/[^@:]+)?)(?::([^@]+))?(?:@(.+))?$/.exec(c.image ?? '');
    if (!m) continue;
    const image = images.find((i) => i.name === m[1]);
    if (!image) continue;
    const name = image.newName ?? m[1];
    const digest = image.digest ?? (image.newTag ? undefined : m[3]);
    const tag = digest ? undefined : (image.newTag ?? m[2]);
    c.image = `${name}${tag ? `:${tag}` : ''}${digest ? `@${digest}` : ''}`;
  }
}

/** The objects `kubectl kustomize dir` would print (order aside). */
export function render(dir) {
  const file = kustomizationFile(dir);
  const k = YAML.parse(fs.readFileSync(file, 'utf8'));
  for (const key of Object.keys(k)) if (!SUPPORTED.has(key)) throw new Error(`${file}: "${key}" is not supported by the offline renderer (scripts/check-deploy/kustomize.mjs)`);
  if (k.kind !== 'Kustomization' || !String(k.apiVersion).startsWith('kustomize.config.k8s.io/')) throw new Error(`${file}: must be apiVersion kustomize.config.k8s.io/v1beta1, kind Kustomization`);
  const objects = [];
  for (const resource of k.resources ?? []) {
    const full = path.resolve(dir, resource);
    if (!fs.existsSync(full)) throw new Error(`${file}: resource ${resource} does not exist`);
    objects.push(...(fs.statSync(full).isDirectory() ? render(full) : readObjects(full)));
  }
  for (const [i, patch] of (k.patches ?? []).entries()) {
    const text = patch.path ? fs.readFileSync(path.resolve(dir, patch.path), 'utf8') : patch.patch;
    const ops = YAML.parse(text ?? '');
    if (!Array.isArray(ops) || !patch.target) throw new Error(`${file}: patches[${i}]: only JSON 6902 patches (a list of ops) with a target are supported by the offline renderer`);
    const targets = objects.filter((o) => matchesTarget(o, patch.target));
    if (targets.length === 0) throw new Error(`${file}: patches[${i}]: no resource matches ${JSON.stringify(patch.target)}`);
    for (const o of targets) {
      try {
        applyJsonPatch(o, ops);
      } catch (error) {
        throw new Error(`${file}: patches[${i}] on ${objectId(o)}: ${error.message}`);
      }
    }
  }
  if (k.namespace) {
    for (const o of objects) {
      if (o.kind === 'Namespace') o.metadata.name = k.namespace;
      else if (!CLUSTER_SCOPED.has(o.kind)) o.metadata.namespace = k.namespace;
    }
  }
  if (k.images) objects.forEach((o) => setImages(o, k.images));
  const seen = new Set();
  for (const o of objects) {
    const id = objectId(o);
    if (seen.has(id)) throw new Error(`${file}: ${id} is defined twice`);
    seen.add(id);
  }
  return objects;
}

/** Differences between two renderings, as object ids and the first differing path. */
export function sameObjects(mine, theirs) {
  const differences = [];
  const index = (list) => new Map(list.map((o) => [objectId(o), o]));
  const a = index(mine);
  const b = index(theirs);
  for (const id of new Set([...a.keys(), ...b.keys()])) {
    if (!a.has(id)) differences.push(`${id}: only in kubectl's rendering`);
    else if (!b.has(id)) differences.push(`${id}: only in the offline rendering`);
    else {
      const where = firstDifference(a.get(id), b.get(id), '');
      if (where !== null) differences.push(`${id}: differs at ${where || '/'}`);
    }
  }
  return differences;
}

function firstDifference(x, y, at) {
  if (typeof x !== typeof y || Array.isArray(x) !== Array.isArray(y) || (x === null) !== (y === null)) return at;
  if (typeof x !== 'object' || x === null) return x === y ? null : at;
  const keys = new Set([...Object.keys(x), ...Object.keys(y)]);
  for (const key of keys) {
    const d = firstDifference(x[key], y[key], `${at}/${key}`);
    if (d !== null) return d;
  }
  return null;
}
