import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import type { CommandContext, CommandSpec } from '../command';
import { CliError, UsageError } from '../errors';
import { renderChange } from '../resources/diff';
import { KINDS, type Kind, ResourceFileError, loadResources } from '../resources/documents';
import { EXPORT_FILES, renderResources } from '../resources/export';
import { type PlannedChange, applyPlan, currentResources, planResources, refusals } from '../resources/plan';

const FILE_OPTION = {
  file: { type: 'string' as const, short: 'f', multiple: true, valueName: 'file or folder', description: 'resource file, or a folder of .yaml files (repeatable)' },
};

const id = (p: PlannedChange) => `${p.resource.kind}/${p.resource.name}`;

/** Reads and checks the files, then what the services hold; refusals (nothing written yet) end it here. */
async function prepare(ctx: CommandContext, files: string[], command: string): Promise<PlannedChange[]> {
  if (files.length === 0) throw new UsageError('-f <file or folder> is required', command);
  let resources;
  try {
    resources = loadResources(files);
  } catch (error) {
    if (error instanceof ResourceFileError) throw new CliError(`invalid resource files:\n${error.problems.join('\n')}`);
    throw error;
  }
  const plan = await planResources(ctx.clients, resources);
  const refused = await refusals(ctx.clients, plan);
  if (refused.length) throw new CliError(`refused, nothing was changed:\n${refused.join('\n')}`);
  return plan;
}

const summary = (plan: PlannedChange[]) => {
  const count = (a: string) => plan.filter((p) => p.action === a).length;
  return `${count('created')} to create, ${count('configured')} to change, ${count('unchanged')} unchanged`;
};

const asJson = (p: PlannedChange) => ({ kind: p.resource.kind, name: p.resource.name, source: p.resource.source, action: p.action, changes: p.changes });

const plan: CommandSpec = {
  path: 'plan',
  summary: 'show what `apply` would change, field by field; changes nothing',
  description: 'Reads the resource files (docs/resources.md), the current state of each resource, and prints the\ndifference: + a field or element added, - removed, ~ changed. Refusals the services would make\n(an incompatible dataset schema change) are reported here too, with exit code 1.',
  options: FILE_OPTION,
  examples: ['mlops plan -f examples/project'],
  async run(ctx, input) {
    const planned = await prepare(ctx, input.strs('file'), 'plan');
    if (ctx.json) return void ctx.out.json({ resources: planned.map(asJson) });
    for (const p of planned) {
      ctx.out.line(`${id(p)}: ${p.action === 'created' ? 'create' : p.action === 'configured' ? 'change' : 'unchanged'}`);
      for (const c of p.changes) ctx.out.line(`    ${renderChange(c)}`);
    }
    ctx.out.line(`plan: ${summary(planned)}`);
  },
};

const apply: CommandSpec = {
  path: 'apply',
  summary: 'create or change the resources of YAML files so the platform matches them',
  description: 'Idempotent: each resource is read first and only the fields that differ are written; each is reported as\ncreated, configured or unchanged. Nothing is written when a file is invalid or a service would refuse a\nchange (checked first). Fields a file leaves out keep their current value.',
  options: FILE_OPTION,
  examples: ['mlops apply -f examples/project', 'mlops apply -f models.yaml -f policies.yaml'],
  async run(ctx, input) {
    const planned = await prepare(ctx, input.strs('file'), 'apply');
    const done: PlannedChange[] = [];
    try {
      await applyPlan(ctx.clients, planned, (p) => {
        done.push(p);
        if (!ctx.json) ctx.out.line(`${id(p)} ${p.action}`);
      });
    } finally {
      if (ctx.json) ctx.out.json({ resources: done.map(asJson) });
    }
  },
};

const exportCommand: CommandSpec = {
  path: 'export',
  summary: "write the platform's current resources as resource files",
  description: `Without -o, one multi-document YAML on stdout; with -o, one file per kind in the folder
(${Object.values(EXPORT_FILES).join(', ')}). Deployment and monitoring policies are exported for
registered models whose policy was set. \`mlops plan -f\` on the result shows no changes.`,
  options: {
    output: { type: 'string', short: 'o', valueName: 'folder', description: 'write files into this folder (created if needed)' },
    kind: { type: 'choice', choices: KINDS, multiple: true, description: 'only these kinds (repeatable)' },
  },
  examples: ['mlops export -o exported/', 'mlops export --kind Dataset > datasets.yaml'],
  async run(ctx, input) {
    const kinds = input.strs('kind') as Kind[];
    const resources = (await currentResources(ctx.clients)).filter((r) => kinds.length === 0 || kinds.includes(r.kind));
    const folder = input.str('output');
    if (!folder) {
      if (ctx.json) ctx.out.json({ resources });
      else if (resources.length) ctx.out.stdout.write(renderResources(resources));
      ctx.out.note(`${resources.length} resources`);
      return;
    }
    mkdirSync(folder, { recursive: true });
    const written: string[] = [];
    for (const kind of KINDS) {
      const ofKind = resources.filter((r) => r.kind === kind);
      if (ofKind.length === 0) continue;
      const file = path.join(folder, EXPORT_FILES[kind]);
      writeFileSync(file, renderResources(ofKind));
      written.push(file);
      if (!ctx.json) ctx.out.line(`${file}: ${ofKind.length} ${kind}`);
    }
    if (ctx.json) ctx.out.json({ files: written, resources: resources.length });
    if (written.length === 0) ctx.out.note('no resources to export');
  },
};

export const RESOURCE_COMMANDS: CommandSpec[] = [apply, plan, exportCommand];
