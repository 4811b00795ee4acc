import type { PlatformClients } from '@mlops/client';
import { RemoteCallError, statusName } from '@mlops/client';
import { CliError } from '../errors';
import { type FieldChange, type Spec, overlay, specDiff } from './diff';
import { KINDS, type Resource } from './documents';
import { ADAPTERS } from './kinds';

export type Action = 'created' | 'configured' | 'unchanged';

/** What apply will do to one resource. */
export interface PlannedChange {
  resource: Resource;
  action: Action;
  changes: FieldChange[];
  /** The spec apply writes: the current one with the file's fields laid over it. */
  next: Spec;
  current?: Spec;
}

const id = (r: Resource) => `${r.kind}/${r.name}`;

function refusal(r: Resource, error: unknown): string {
  if (error instanceof RemoteCallError) return `${r.source}: ${id(r)}: ${r.kind === 'Dataset' ? 'ingestion' : error.service} refuses it: ${statusName(error.code)}: ${error.details}`;
  return `${r.source}: ${id(r)}: ${(error as Error).message}`;
}

/** Resources in the order they can be written: datasets before the views that read them, models before their policies. */
export function inApplyOrder(resources: Resource[]): Resource[] {
  return [...resources].sort((a, b) => KINDS.indexOf(a.kind) - KINDS.indexOf(b.kind));
}

/** Reads each resource's current state and computes the field diff; writes nothing. */
export async function planResources(clients: PlatformClients, resources: Resource[]): Promise<PlannedChange[]> {
  const plan: PlannedChange[] = [];
  for (const resource of inApplyOrder(resources)) {
    const adapter = ADAPTERS[resource.kind];
    const desired = adapter.normalize(resource.spec);
    let current: Spec | undefined;
    try {
      current = await adapter.read(clients, resource.name);
    } catch (error) {
      throw new CliError(`cannot read the current state of ${id(resource)} (${resource.source}): ${error instanceof RemoteCallError ? `${statusName(error.code)}: ${error.details} (${error.service} at ${error.address})` : (error as Error).message}`);
    }
    const next = current ? (overlay(current, desired, adapter.shape) as Spec) : desired;
    const changes = specDiff(current, next, adapter.shape);
    const action: Action = !current ? 'created' : changes.length ? 'configured' : 'unchanged';
    plan.push({ resource, action, changes, next, current });
  }
  return plan;
}

/** What the owning services would refuse (e.g. an incompatible schema change), before anything is written. */
export async function refusals(clients: PlatformClients, plan: PlannedChange[]): Promise<string[]> {
  const out: string[] = [];
  for (const p of plan) {
    const check = ADAPTERS[p.resource.kind].check;
    if (p.action === 'unchanged' || !check) continue;
    try {
      await check(clients, p.resource.name, p.next);
    } catch (error) {
      out.push(refusal(p.resource, error));
    }
  }
  return out;
}

/** Writes what differs, in order; stops at the first refusal (later resources may depend on it). */
export async function applyPlan(clients: PlatformClients, plan: PlannedChange[], onDone: (p: PlannedChange) => void): Promise<void> {
  for (const p of plan) {
    if (p.action !== 'unchanged') {
      try {
        await ADAPTERS[p.resource.kind].write(clients, p.resource.name, p.next, p.current);
      } catch (error) {
        const left = plan.slice(plan.indexOf(p) + 1).filter((q) => q.action !== 'unchanged').map((q) => id(q.resource));
        throw new CliError(`${refusal(p.resource, error)}${left.length ? `\nnot applied: ${left.join(', ')}` : ''}`);
      }
    }
    onDone(p);
  }
}

/** The platform's current resources, kind by kind (export). */
export async function currentResources(clients: PlatformClients): Promise<{ kind: Resource['kind']; name: string; spec: Spec }[]> {
  const out: { kind: Resource['kind']; name: string; spec: Spec }[] = [];
  for (const kind of KINDS) {
    const adapter = ADAPTERS[kind];
    for (const name of (await adapter.names(clients)).sort()) {
      const spec = await adapter.read(clients, name);
      if (spec) out.push({ kind, name, spec });
    }
  }
  return out;
}
