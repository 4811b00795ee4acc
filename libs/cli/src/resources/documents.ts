import { readFileSync, readdirSync, statSync } from 'node:fs';
import * as path from 'node:path';
import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import type { Spec } from './diff';
import { type Document, LineCounter, isMap, isNode, isScalar, isSeq, parseAllDocuments } from 'yaml';

/**
 * Resource files: YAML documents (`apiVersion: mlops.dev/v1`, `kind`, `metadata.name`, `spec`),
 * several per file, checked against the published JSON Schema (libs/cli/schema/). Every problem
 * is reported as `file:line: field.path: what is wrong`, all of them at once.
 */

export const API_VERSION = 'mlops.dev/v1';
export const KINDS = ['Dataset', 'FeatureView', 'RegisteredModel', 'TrainingSpec', 'DeploymentPolicy', 'MonitoringPolicy'] as const;
export type Kind = (typeof KINDS)[number];

/** Bounds on what a caller can hand in. */
export const LIMITS = { files: 200, bytesPerFile: 1024 * 1024, documents: 1000 };


/** One resource read from a file. */
export interface Resource {
  kind: Kind;
  name: string;
  spec: Spec;
  /** Where it was declared: `file:line` of its document. */
  source: string;
}

/** A file or document the user must fix: every problem, each naming file:line and the field. */
export class ResourceFileError extends Error {
  override readonly name = 'ResourceFileError';
  constructor(readonly problems: string[]) {
    super(problems.join('\n'));
  }
}

let validator: ValidateFunction | undefined;

/** The schema as published beside the package (schema/ sits two levels above src/resources and dist/resources). */
export function resourceSchema(): Record<string, unknown> {
  return JSON.parse(readFileSync(path.resolve(__dirname, '../../schema/resources.schema.json'), 'utf8'));
}

function validate(): ValidateFunction {
  validator ??= new Ajv({ allErrors: true, discriminator: true, strict: false }).compile(resourceSchema());
  return validator;
}

/** `/spec/columns/0/type` → ['spec', 'columns', 0, 'type']. */
function pointerSegments(pointer: string): (string | number)[] {
  if (!pointer) return [];
  return pointer.slice(1).split('/').map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~')).map((s) => (/^\d+$/.test(s) ? Number(s) : s));
}

/** spec.columns[0].type */
export function fieldPath(segments: (string | number)[]): string {
  return segments.map((s, i) => (typeof s === 'number' ? `[${s}]` : i === 0 ? s : `.${s}`)).join('');
}

/**
 * The line of the deepest part of the path the document has: the key of a mapping entry (so a
 * missing field is reported at the line of the entry that should hold it), an item of a list.
 */
function lineOf(doc: Document, counter: LineCounter, segments: (string | number)[]): number {
  let node: unknown = doc.contents;
  let offset = isNode(node) && node.range ? node.range[0] : 0;
  for (const segment of segments) {
    if (isMap(node)) {
      const pair = node.items.find((p) => (isScalar(p.key) ? p.key.value : p.key) === segment);
      if (!pair) break;
      if (isNode(pair.key) && pair.key.range) offset = pair.key.range[0];
      node = pair.value;
    } else if (isSeq(node) && typeof segment === 'number' && node.items[segment] !== undefined) {
      node = node.items[segment];
      if (isNode(node) && node.range) offset = node.range[0];
    } else break;
  }
  return counter.linePos(offset).line;
}

/** An ajv error as the field it is about and a message a person can act on. */
function describe(error: ErrorObject): { segments: (string | number)[]; message: string } {
  const segments = pointerSegments(error.instancePath);
  const p = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'additionalProperties':
      return { segments: [...segments, String(p.additionalProperty)], message: 'unknown field' };
    case 'required':
      return { segments: [...segments, String(p.missingProperty)], message: 'is required' };
    case 'const':
      return { segments, message: `must be ${JSON.stringify(p.allowedValue)}` };
    case 'enum':
      return { segments, message: `must be one of ${(p.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}` };
    case 'discriminator':
      return { segments: [...segments, 'kind'], message: p.error === 'tag' ? 'must be a string' : `must be one of ${KINDS.join(', ')}` };
    case 'oneOf':
      return { segments, message: 'must have exactly one of column, expression, bucketize, oneHot, window' };
    case 'pattern':
      return { segments, message: `must match ${p.pattern}` };
    default:
      return { segments, message: error.message ?? error.keyword };
  }
}

/** Ajv reports a failed oneOf together with each branch's own errors; the branches' required errors are noise there. */
function relevant(errors: ErrorObject[]): ErrorObject[] {
  const oneOfAt = new Set(errors.filter((e) => e.keyword === 'oneOf').map((e) => e.instancePath));
  return errors.filter((e) => !(e.keyword === 'required' && oneOfAt.has(e.instancePath) && /\/features\/\d+$/.test(e.instancePath)));
}

/** The resources of one file's text; `file` only names it in messages. */
export function parseResources(text: string, file: string): Resource[] {
  const counter = new LineCounter();
  const docs = parseAllDocuments(text, { lineCounter: counter, prettyErrors: false });
  if (!Array.isArray(docs)) return []; // an empty stream
  if (docs.length > LIMITS.documents) throw new ResourceFileError([`${file}: more than ${LIMITS.documents} documents`]);
  const problems: string[] = [];
  const resources: Resource[] = [];
  for (const doc of docs) {
    const at = (segments: (string | number)[]) => `${file}:${lineOf(doc, counter, segments)}`;
    if (doc.errors.length) {
      for (const e of doc.errors) problems.push(`${file}:${counter.linePos(e.pos[0]).line}: ${e.message.split('\n')[0]}`);
      continue;
    }
    if (doc.contents === null) continue; // `---` with nothing after it
    if (!isMap(doc.contents)) {
      problems.push(`${at([])}: a resource must be a mapping with apiVersion, kind, metadata and spec`);
      continue;
    }
    const value = doc.toJS({ maxAliasCount: 100 }) as Record<string, unknown>;
    const check = validate();
    if (!check(value)) {
      for (const error of relevant(check.errors ?? [])) {
        const { segments, message } = describe(error);
        problems.push(`${at(segments)}: ${fieldPath(segments) || '(document)'}: ${message}`);
      }
      continue;
    }
    const metadata = value.metadata as { name: string };
    resources.push({ kind: value.kind as Kind, name: metadata.name, spec: value.spec as Spec, source: at([]) });
  }
  if (problems.length) throw new ResourceFileError(problems);
  return resources;
}

/** The .yaml / .yml files a -f names: the file itself, or those in the folder and below, sorted. */
export function resourceFiles(target: string): string[] {
  let stat;
  try {
    stat = statSync(target);
  } catch {
    throw new ResourceFileError([`${target}: no such file or folder`]);
  }
  if (!stat.isDirectory()) return [target];
  const found: string[] = [];
  const walk = (dir: string, depth: number) => {
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory() && depth < 8 && !entry.name.startsWith('.')) walk(full, depth + 1);
      else if (entry.isFile() && /\.ya?ml$/.test(entry.name)) found.push(full);
      if (found.length > LIMITS.files) throw new ResourceFileError([`${target}: more than ${LIMITS.files} resource files`]);
    }
  };
  walk(target, 0);
  if (found.length === 0) throw new ResourceFileError([`${target}: no .yaml or .yml files in it`]);
  return found;
}

/** Every resource of every -f, problems of all files together; a kind and name declared twice is one of them. */
export function loadResources(targets: string[]): Resource[] {
  const problems: string[] = [];
  const resources: Resource[] = [];
  for (const file of targets.flatMap(resourceFiles)) {
    try {
      if (statSync(file).size > LIMITS.bytesPerFile) throw new ResourceFileError([`${file}: larger than ${LIMITS.bytesPerFile} bytes`]);
      resources.push(...parseResources(readFileSync(file, 'utf8'), file));
    } catch (error) {
      if (error instanceof ResourceFileError) problems.push(...error.problems);
      else problems.push(`${file}: ${(error as Error).message}`);
    }
  }
  const seen = new Map<string, string>();
  for (const r of resources) {
    const key = `${r.kind}/${r.name}`;
    const first = seen.get(key);
    if (first) problems.push(`${r.source}: ${key} is already declared at ${first}`);
    else seen.set(key, r.source);
  }
  if (problems.length) throw new ResourceFileError(problems);
  return resources;
}
