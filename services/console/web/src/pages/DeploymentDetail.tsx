import { Badge, Card, Group, SimpleGrid, Stack, Table, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useParams } from 'react-router';
import { api, seg } from '../api/client';
import { useSession } from '../api/session';
import type { Analysis, Deployment, TrafficPoint } from '../api/types';
import { ActionButton } from '../components/ActionButton';
import { Chart } from '../components/Chart';
import { Loading, StateBadge, TextLink } from '../components/common';
import { checkOption, trafficOption } from '../domain/charts';
import { enumLabel, formatNumber, formatTime } from '../domain/format';

const ACTIVE = ['DEPLOYMENT_STATE_PROGRESSING', 'DEPLOYMENT_STATE_PAUSED', 'DEPLOYMENT_STATE_PROMOTING', 'DEPLOYMENT_STATE_AWAITING_PROMOTION', 'DEPLOYMENT_STATE_AWAITING_APPROVAL'];

function Actions({ d }: { d: Deployment }) {
  const { can } = useSession();
  if (!ACTIVE.includes(d.state)) return null;
  const act = (action: string) => (reason: string) => api.post(`/api/deployments/${seg(d.id)}/${action}`, { reason });
  const invalidates = [['deployment', d.id], ['deployments']];
  const what = `version ${d.candidateVersion} of ${d.modelName}`;
  return (
    <Group align="flex-start" data-testid="deployment-actions">
      {can('pauseDeployment') && d.state === 'DEPLOYMENT_STATE_PROGRESSING' && <ActionButton label="Pause" testId="pause-button" color="yellow" confirm={`Hold the rollout of ${what} at ${d.candidateWeightPercent}%.`} run={act('pause')} invalidates={invalidates} />}
      {can('resumeDeployment') && d.state === 'DEPLOYMENT_STATE_PAUSED' && <ActionButton label="Resume" testId="resume-button" confirm={`Continue the rollout of ${what}.`} run={act('resume')} invalidates={invalidates} />}
      {can('promoteDeployment') && <ActionButton label="Promote now" testId="promote-button" color="teal" confirm={`Make ${what} production now, skipping the remaining steps.`} run={act('promote')} invalidates={invalidates} />}
      {can('rollbackDeployment') && <ActionButton label="Roll back" testId="rollback-button" color="red" confirm={`Send all traffic back to version ${d.stableVersion} and reject ${what}.`} run={act('rollback')} invalidates={invalidates} />}
    </Group>
  );
}

function AnalysesTable({ analyses }: { analyses: Analysis[] }) {
  return (
    <Table striped data-testid="analyses-table">
      <Table.Thead>
        <Table.Tr><Table.Th>#</Table.Th><Table.Th>When</Table.Th><Table.Th>Weight</Table.Th><Table.Th>Requests (cand./stable)</Table.Th><Table.Th>Checks: value vs limit</Table.Th><Table.Th>Verdict</Table.Th><Table.Th>Led to</Table.Th></Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {[...analyses].reverse().map((a) => (
          <Table.Tr key={a.number} data-testid="analysis" data-verdict={enumLabel(a.verdict, 'VERDICT_')}>
            <Table.Td>{a.number}</Table.Td>
            <Table.Td>{formatTime(a.atMs)}</Table.Td>
            <Table.Td>{a.candidateWeightPercent}%</Table.Td>
            <Table.Td>{a.candidateRequests} / {a.stableRequests}</Table.Td>
            <Table.Td>
              <Group gap={4}>
                {a.checks.map((c) => (
                  <Badge key={c.name} variant="light" color={{ VERDICT_PASS: 'teal', VERDICT_FAIL: 'red' }[c.verdict] ?? 'gray'} tt="none" data-testid="check" data-check={c.name}>
                    {c.name} {formatNumber(c.value)} (stable {formatNumber(c.stableValue)}) / {formatNumber(c.threshold)} · n={c.samples}
                  </Badge>
                ))}
              </Group>
            </Table.Td>
            <Table.Td><StateBadge value={a.verdict} prefix="VERDICT_" /></Table.Td>
            <Table.Td>{a.action}</Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}

/** One rollout: traffic weight over time, every analysis and its checks against their limits, and the operator's actions. */
export function DeploymentDetail() {
  const { id = '' } = useParams();
  const detail = useQuery({ queryKey: ['deployment', id], queryFn: () => api.get<{ deployment: Deployment; analyses: Analysis[]; traffic: TrafficPoint[] }>(`/api/deployments/${seg(id)}`) });
  return (
    <Loading query={detail}>
      {({ deployment: d, analyses, traffic }) => {
        const checks = [...new Set(analyses.flatMap((a) => a.checks.map((c) => c.name)))];
        return (
          <Stack>
            <Group justify="space-between">
              <Group>
                <Title order={3}><TextLink to={`/models/${seg(d.modelName)}`}>{d.modelName}</TextLink>: v{d.stableVersion} → v{d.candidateVersion}</Title>
                <StateBadge value={d.state} prefix="DEPLOYMENT_STATE_" />
                <Badge variant="outline">{enumLabel(d.strategy, 'STRATEGY_')}</Badge>
              </Group>
              <Actions d={d} />
            </Group>
            <Text size="sm" data-testid="deployment-reason">{d.reason}</Text>
            <Text size="xs" c="dimmed">started by {d.startedBy} at {formatTime(d.createdAtMs)} · {d.failedChecks} failed analyses · correlation {d.correlationId}</Text>
            <SimpleGrid cols={{ base: 1, lg: 2 }}>
              <Card withBorder padding="sm">
                <Text fw={600} size="sm">Candidate traffic</Text>
                <Chart testId="traffic-chart" option={trafficOption(traffic)} height={240} />
              </Card>
              <Card withBorder padding="sm">
                <Text fw={600} size="sm">Policy</Text>
                <Text size="sm">steps {d.policy?.canarySteps.join(' → ')}% · every {d.policy?.intervalSeconds} s · mirror {d.mirrorPercent}% · {d.policy?.failureLimit} failures roll back</Text>
                <Text size="sm">limits: error rate {formatNumber(d.policy?.thresholds?.maxErrorRate)}, p99 {formatNumber(d.policy?.thresholds?.maxP99LatencyMs)} ms, divergence {formatNumber(d.policy?.thresholds?.maxDivergence)}, accuracy drop {formatNumber(d.policy?.thresholds?.maxAccuracyDrop)}{d.policy?.thresholds?.requireLabels ? ' (labels required)' : ''}</Text>
              </Card>
            </SimpleGrid>
            <Title order={4}>Checks over the analyses</Title>
            {analyses.length === 0 && <Text size="sm" c="dimmed">No analysis yet{d.nextAnalysisAtMs ? `: the first is due at ${formatTime(d.nextAnalysisAtMs)}` : ''}.</Text>}
            <SimpleGrid cols={{ base: 1, md: 2, xl: 4 }}>
              {checks.map((c) => (
                <Card key={c} withBorder padding="xs">
                  <Text size="sm" fw={600}>{c}</Text>
                  <Chart testId={`check-chart-${c}`} option={checkOption(analyses, c)} height={200} />
                </Card>
              ))}
            </SimpleGrid>
            <Title order={4}>Analyses</Title>
            <AnalysesTable analyses={analyses} />
          </Stack>
        );
      }}
    </Loading>
  );
}
