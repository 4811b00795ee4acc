import { type ArgSpec, GLOBAL_OPTIONS, type OptionSpec } from './args';
import type { CommandNode, CommandSpec } from './command';

function argUsage(arg: ArgSpec): string {
  const inner = arg.variadic ? `${arg.name}...` : arg.name;
  return (arg.required ?? true) ? `<${inner}>` : `[${inner}]`;
}

function optionUsage(name: string, spec: OptionSpec): string {
  const short = spec.short ? `-${spec.short}, ` : '';
  if (spec.type === 'boolean') return `${short}--${name}`;
  const value = spec.valueName ?? (spec.type === 'choice' ? (spec.choices ?? []).join('|') : spec.type === 'numbers' ? 'n,n,...' : spec.type === 'int' || spec.type === 'number' ? 'n' : 'value');
  return `${short}--${name} <${value}>`;
}

function aligned(rows: [string, string][], indent = '  '): string[] {
  const width = Math.max(0, ...rows.map(([left]) => left.length));
  return rows.map(([left, right]) => `${indent}${left.padEnd(width)}  ${right}`.trimEnd());
}

export function usageLine(command: CommandSpec): string {
  const args = (command.args ?? []).map(argUsage);
  return ['mlops', command.path, ...args, '[options]'].join(' ');
}

/** `mlops <command> --help`. */
export function renderCommandHelp(command: CommandSpec): string {
  const lines = [`usage: ${usageLine(command)}`, '', command.summary];
  if (command.description) lines.push('', command.description);
  const options = Object.entries(command.options ?? {});
  if (options.length) lines.push('', 'options:', ...aligned(options.map(([name, spec]) => [optionUsage(name, spec), spec.description])));
  lines.push('', 'global options:', ...aligned(Object.entries(GLOBAL_OPTIONS).map(([name, spec]) => [optionUsage(name, spec), spec.description])));
  if (command.examples?.length) lines.push('', 'examples:', ...command.examples.map((e) => `  ${e}`));
  return lines.join('\n');
}

/** Every command under a node, depth first, as `path  summary` rows. */
function commandRows(node: CommandNode): [string, string][] {
  const rows: [string, string][] = [];
  for (const child of node.children.values()) {
    if (child.command) rows.push([[child.command.path, ...(child.command.args ?? []).map(argUsage)].join(' '), child.command.summary]);
    rows.push(...commandRows(child));
  }
  return rows;
}

/** `mlops --help` and `mlops <group> --help`. */
export function renderGroupHelp(node: CommandNode): string {
  const title = node.path ? `mlops ${node.path}` : 'mlops';
  const lines = [`usage: ${title} <command> [options]`];
  if (!node.path) {
    lines.push('', 'The operator command line of the MLOps platform: its services over gRPC, its events on Kafka.');
    lines.push('Addresses: <SERVICE>_GRPC_URL (e.g. REGISTRY_GRPC_URL=127.0.0.1:50054), KAFKA_BROKERS.');
  } else if (node.summary) {
    lines.push('', node.summary);
  }
  lines.push('', 'commands:', ...aligned(commandRows(node)));
  lines.push('', `Run '${title} <command> --help' for a command's options; --json prints machine output.`);
  lines.push('Exit codes: 0 ok, 1 the platform refused or could not be reached, 2 usage error.');
  return lines.join('\n');
}
