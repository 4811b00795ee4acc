import { Badge, Card, Grid, Group, SimpleGrid, Stack, Table, Text, Title, Tooltip } from '@mantine/core';
import { findMilestones } from '@mlops/sagas';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../api/client';
import type { Alert, Deployment, Saga, ServiceHealth } from '../api/types';
import { Loading, StateBadge, TextLink } from '../components/common';
import { enumLabel, formatClock, formatDuration, formatTime, formatWhen, shortId } from '../domain/format';
import { SAGAS_SHOWN, alertOutcome, reconcile } from '../domain/sagas';

function ServiceCard({ s }: { s: ServiceHealth }) {
  return (
    <Card withBorder padding="sm" data-testid={`service-${s.service}`} data-ready={s.ready}>
      <Group justify="space-between">
        <Text fw={600}>{s.service}</Text>
        <Badge color={s.ready ? 'teal' : 'red'}>{s.ready ? 'ready' : 'not ready'}</Badge>
      </Group>
      {s.error && <Text size="xs" c="red">{s.error}</Text>}
      <Group gap={4} mt={6}>
        {s.dependencies.map((d) => (
          <Tooltip key={d.name} label={d.detail || d.name}>
            <Badge size="sm" variant="dot" color={d.ready ? 'teal' : 'red'}>
              {d.name}
              {d.latencyMs ? ` ${d.latencyMs.toFixed(1)} ms` : ''}
            </Badge>
          </Tooltip>
        ))}
      </Group>
      {s.startedAtMs ? <Text size="xs" c="dimmed" mt={4}>up since {formatTime(s.startedAtMs)}{s.version ? ` · v${s.version}` : ''}</Text> : null}
    </Card>
  );
}

const STEP_COLOR: Record<string, string> = {
  'drift.detected': 'orange', 'performance.degraded': 'orange', 'training.requested': 'grape', 'training.completed': 'violet', 'training.failed': 'red',
  'version.registered': 'indigo', 'deployment.progressing': 'blue', 'deployment.promoted': 'teal', 'deployment.rolled_back': 'red', 'deployment.paused': 'yellow',
};

const MILESTONE_LABEL: Record<string, string> = {
  alert: 'alert', 'training requested': 'retraining', 'training completed': 'trained', 'version registered': 'registered', 'deployment progressing': 'canary', 'deployment finished': 'outcome',
};

/** The loop's milestones in a row: which the saga reached (filled) and when, from its first step. */
function Milestones({ saga }: { saga: Saga }) {
  const milestones = findMilestones(saga.steps);
  const first = saga.steps[0]?.atMs ?? 0;
  const failed = ['rolled back', 'training failed', 'gate failed'].includes(saga.summary.outcome);
  const canarySteps = saga.steps.filter((s) => s.kind === 'deployment.progressing').length;
  return (
    <Group gap={4} mb="xs" wrap="nowrap" data-testid="milestones">
      {milestones.map((m, i) => {
        const last = m.name === 'deployment finished';
        const label = last ? (m.step ? saga.summary.outcome : 'promoted / rolled back') : MILESTONE_LABEL[m.name];
        const color = !m.step ? 'gray' : last && failed ? 'red' : 'teal';
        return (
          <Group key={m.name} gap={4} wrap="nowrap">
            {i > 0 && <Text c="dimmed" size="xs">→</Text>}
            <Stack gap={0} align="center" data-milestone={m.name} data-reached={Boolean(m.step)}>
              <Badge size="sm" color={color} variant={m.step ? 'filled' : 'outline'} tt="none" miw="max-content">{label}</Badge>
              <Text size="10px" c="dimmed">{m.step ? `+${formatDuration(m.step.atMs - first)}${m.name === 'deployment progressing' && canarySteps ? ` · ${canarySteps} steps` : ''}` : ' '}</Text>
            </Stack>
          </Group>
        );
      })}
    </Group>
  );
}

function SagaCard({ saga }: { saga: Saga }) {
  const first = saga.steps[0]?.atMs ?? 0;
  return (
    <Card withBorder padding="sm" data-testid="saga" data-correlation-id={saga.correlationId} data-outcome={saga.summary.outcome}>
      <Group justify="space-between" mb="xs">
        <Group gap="xs">
          <TextLink to={`/models/${encodeURIComponent(saga.modelName)}`}>{saga.modelName || 'saga'}</TextLink>
          <Text size="xs" c="dimmed" title={saga.correlationId}>{shortId(saga.correlationId)}</Text>
        </Group>
        <Group gap="xs">
          <Text size="xs">{formatDuration(saga.summary.totalMs)}</Text>
          <StateBadge value={saga.summary.outcome} />
        </Group>
      </Group>
      <Milestones saga={saga} />
      <Table verticalSpacing={2} fz="xs">
        <Table.Tbody>
          {saga.steps.map((step, i) => (
            <Table.Tr key={`${step.atMs}-${step.kind}-${i}`} data-testid="saga-step" data-step-kind={step.kind}>
              <Table.Td c="dimmed" style={{ whiteSpace: 'nowrap' }}>{formatClock(step.atMs)}</Table.Td>
              <Table.Td c="dimmed" style={{ whiteSpace: 'nowrap' }}>+{formatDuration(step.atMs - first)}</Table.Td>
              <Table.Td style={{ whiteSpace: 'nowrap' }}><Badge size="xs" variant="light" color={STEP_COLOR[step.kind] ?? 'gray'} tt="none" miw="max-content">{step.kind}{step.version ? ` v${step.version}` : ''}</Badge></Table.Td>
              <Table.Td>{step.summary}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Card>
  );
}

/** Overview: every service's readiness, the latest sagas live, recent alerts and deployments. */
export function Overview() {
  const client = useQueryClient();
  const health = useQuery({ queryKey: ['health'], queryFn: () => api.get<ServiceHealth[]>('/api/health'), refetchInterval: 5000 });
  const sagas = useQuery({
    queryKey: ['sagas'],
    // A read keeps the steps that arrived live but were not recorded yet when it ran.
    queryFn: async () => reconcile(await api.get<Saga[]>('/api/sagas', { limit: SAGAS_SHOWN }), client.getQueryData<Saga[]>(['sagas'])),
    refetchInterval: 30_000,
  });
  const alerts = useQuery({ queryKey: ['alerts', 'recent'], queryFn: () => api.get<{ alerts: Alert[] }>('/api/alerts', { pageSize: 5 }) });
  const deployments = useQuery({ queryKey: ['deployments', 'recent'], queryFn: () => api.get<{ deployments: Deployment[] }>('/api/deployments', { pageSize: 5 }) });

  return (
    <Stack>
      <Title order={3}>Overview</Title>
      <Loading query={health}>
        {(services) => (
          <SimpleGrid cols={{ base: 2, md: 4, xl: 7 }} data-testid="services">
            {services.map((s) => <ServiceCard key={s.service} s={s} />)}
          </SimpleGrid>
        )}
      </Loading>
      <Grid>
        <Grid.Col span={{ base: 12, lg: 8 }}>
          <Stack>
          <Title order={4}>Latest sagas</Title>
          <Loading query={sagas}>
            {(list) => (
              <Stack data-testid="sagas">
                {list.length === 0 && <Text c="dimmed" size="sm">No saga yet: a drift alert or a new version starts one.</Text>}
                {list.map((saga) => <SagaCard key={saga.correlationId} saga={saga} />)}
              </Stack>
            )}
          </Loading>
          </Stack>
        </Grid.Col>
        <Grid.Col span={{ base: 12, lg: 4 }}>
          <Stack>
          <Title order={4}>Recent alerts</Title>
          <Loading query={alerts}>
            {({ alerts: list }) => (
              <Table data-testid="recent-alerts" striped>
                <Table.Tbody>
                  {list.map((a) => (
                    <Table.Tr key={a.alertId}>
                      <Table.Td style={{ whiteSpace: 'nowrap' }}>{formatWhen(a.raisedAtMs)}</Table.Td>
                      <Table.Td><TextLink to={`/monitoring/${encodeURIComponent(a.modelName)}`}>{a.modelName}</TextLink></Table.Td>
                      <Table.Td>{a.kind.replace('_', ' ')}</Table.Td>
                      <Table.Td><StateBadge value={alertOutcome(a)} /></Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            )}
          </Loading>
          <Title order={4}>Recent deployments</Title>
          <Loading query={deployments}>
            {({ deployments: list }) => (
              <Table data-testid="recent-deployments" striped>
                <Table.Tbody>
                  {list.map((d) => (
                    <Table.Tr key={d.id}>
                      <Table.Td><TextLink to={`/deployments/${d.id}`}>{d.modelName} v{d.candidateVersion}</TextLink></Table.Td>
                      <Table.Td>{enumLabel(d.strategy, 'STRATEGY_')}</Table.Td>
                      <Table.Td><StateBadge value={d.state} prefix="DEPLOYMENT_STATE_" /></Table.Td>
                      <Table.Td>{d.candidateWeightPercent}%</Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            )}
          </Loading>
          </Stack>
        </Grid.Col>
      </Grid>
    </Stack>
  );
}
