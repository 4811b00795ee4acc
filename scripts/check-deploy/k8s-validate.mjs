// Validates rendered Kubernetes objects offline:
//  1. schema: each object against the OpenAPI schema of its apiVersion/kind (kubernetes-models'
//     compiled JSON schema validators: types, required fields, formats such as quantities);
//  2. unknown fields: the OpenAPI schemas allow extra properties, the API server (kubectl's
//     strict field validation) does not: each object is type-checked as an object literal of the
//     model's TypeScript interface, whose excess-property check names any unknown field;
//  3. the platform: every service (the six and the console) with the ports, probes, env keys and
//     volumes the code expects.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { objectId } from './kustomize.mjs';

function modelPath(o) {
  const [group, version] = o.apiVersion.includes('/') ? o.apiVersion.split('/') : ['', o.apiVersion];
  return group ? `kubernetes-models/${group}/${version}/${o.kind}` : `kubernetes-models/${version}/${o.kind}`;
}

/** 1. OpenAPI schema. */
export async function schemaProblems(objects) {
  const problems = [];
  for (const o of objects) {
    let model;
    try {
      model = (await import(modelPath(o)))[o.kind];
    } catch {
      problems.push(`${objectId(o)}: no schema for ${o.apiVersion} ${o.kind}`);
      continue;
    }
    try {
      new model(structuredClone(o)).validate();
    } catch (error) {
      problems.push(`${objectId(o)}: ${error.message}`);
    }
  }
  return problems;
}

/** 2. Unknown fields, with tsc over the objects written as typed literals (.cache/check-deploy). */
export function unknownFieldProblems(root, renderings) {
  const dir = path.join(root, '.cache/check-deploy');
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  const aliases = new Map();
  const body = [];
  const owners = [];
  for (const [name, objects] of renderings) {
    for (const o of objects) {
      const from = modelPath(o);
      if (!aliases.has(from)) aliases.set(from, `T${aliases.size}`);
      const literal = JSON.stringify(o, null, 2).split('\n');
      owners.push({ name: `${name}: ${objectId(o)}`, first: body.length + 1, last: body.length + literal.length });
      literal[0] = `export const object${owners.length - 1}: ${aliases.get(from)} = ${literal[0]}`;
      literal[literal.length - 1] += ';';
      body.push(...literal);
    }
  }
  const header = [...aliases].map(([from, alias]) => `import type { I${from.split('/').pop()} as ${alias} } from '${from}';`);
  fs.writeFileSync(path.join(dir, 'objects.ts'), [...header, ...body].join('\n') + '\n');
  const compilerOptions = { strict: true, noEmit: true, target: 'es2022', module: 'esnext', moduleResolution: 'bundler', skipLibCheck: true, types: [] };
  fs.writeFileSync(path.join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions, files: ['objects.ts'] }, null, 2));
  try {
    execFileSync(process.execPath, [path.join(root, 'node_modules/typescript/bin/tsc'), '-p', dir], { cwd: root, encoding: 'utf8', stdio: 'pipe' });
    return [];
  } catch (error) {
    const output = `${error.stdout ?? ''}${error.stderr ?? ''}`;
    const problems = [];
    for (const m of output.matchAll(/objects\.ts\((\d+),\d+\): error TS\d+: ([^\n]+(?:\n {2,}[^\n]+)*)/g)) {
      const line = Number(m[1]) - header.length;
      const owner = owners.find((o) => line >= o.first && line <= o.last);
      problems.push(`${owner?.name ?? 'objects.ts'}: ${m[2].replace(/\s+/g, ' ')} (at: ${body[line - 1]?.trim()})`);
    }
    return problems.length > 0 ? problems : [`tsc failed: ${output.slice(0, 2000)}`];
  }
}
