import type { platform } from '@mlops/contracts';
import { SERVICE_NAMES, type ServiceName } from '@mlops/client';
import type { Wire } from '@mlops/client';
import type { CommandContext, CommandSpec } from '../command';
import { EXIT_FAILURE, EXIT_OK, UsageError, connectFailure, describeError } from '../errors';
import { formatDuration } from '../render/format';
import { emit, table } from './shared';

type Status = Wire<platform.GetStatusResponse>;

export interface ServiceStatus {
  service: ServiceName;
  address: string;
  reachable: boolean;
  ready: boolean;
  status?: Status;
  /** Why it could not be asked. */
  error?: string;
}

const STATUS_TIMEOUT_MS = 3000;

/** Asks each service for its status at once; a service that does not answer is reported, not thrown. */
export async function collectStatus(ctx: CommandContext, services: readonly ServiceName[]): Promise<ServiceStatus[]> {
  return Promise.all(
    services.map(async (service): Promise<ServiceStatus> => {
      const address = ctx.clients.addresses[service];
      try {
        const status = await ctx.clients.platform(service).call<Status>('GetStatus', { includeUpstream: false }, { timeoutMs: STATUS_TIMEOUT_MS });
        return { service, address, reachable: true, ready: status.ready, status };
      } catch (error) {
        const unreachable = connectFailure(error);
        return { service, address, reachable: false, ready: false, error: unreachable ? `cannot connect: ${unreachable}` : describeError(error).message.replace(/^error: /, '') };
      }
    }),
  );
}

function dependencies(s: ServiceStatus): string {
  if (!s.status) return s.error ?? '';
  return s.status.dependencies.map((d) => `${d.name} ${d.ready ? 'ok' : `DOWN${d.detail ? ` (${d.detail})` : ''}`}`).join(', ');
}

function render(ctx: CommandContext, statuses: ServiceStatus[]): string {
  const rows = statuses.map((s) => [
    s.service,
    s.address,
    s.reachable ? (s.ready ? 'ready' : 'NOT READY') : 'UNREACHABLE',
    s.status?.version ?? '',
    s.status?.startedAtMs ? formatDuration(ctx.now() - s.status.startedAtMs) : '',
    dependencies(s),
  ]);
  return table(ctx, [{ header: 'service' }, { header: 'address' }, { header: 'ready' }, { header: 'version' }, { header: 'uptime', align: 'right' }, { header: 'dependencies', flex: true }], rows, '');
}

export const statusCommand: CommandSpec = {
  path: 'status',
  summary: 'readiness of every service (exit 1 unless all are ready)',
  args: [{ name: 'service', required: false, variadic: true }],
  examples: ['mlops status', 'mlops status registry serving --json'],
  async run(ctx, input) {
    const asked = input.rest('service');
    const unknown = asked.find((s) => !(SERVICE_NAMES as readonly string[]).includes(s));
    if (unknown) throw new UsageError(`unknown service "${unknown}"; services: ${SERVICE_NAMES.join(', ')}`, 'status');
    const statuses = await collectStatus(ctx, asked.length ? (asked as ServiceName[]) : SERVICE_NAMES);
    emit(ctx, { services: statuses }, () => render(ctx, statuses));
    return statuses.every((s) => s.ready) ? EXIT_OK : EXIT_FAILURE;
  },
};
