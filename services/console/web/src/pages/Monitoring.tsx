import { Badge, Card, Group, Select, SimpleGrid, Stack, Table, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import { useNavigate, useParams } from 'react-router';
import { usePageTokens } from '../components/usePageTokens';
import { api, seg } from '../api/client';
import type { Alert, ModelMonitoring, Page, RegisteredModel } from '../api/types';
import { Chart } from '../components/Chart';
import { Loading, StateBadge, TokenPager } from '../components/common';
import { distributionOption, driftHistoryOption, isPValue, performanceOption } from '../domain/charts';
import { formatDuration, formatNumber, formatPercent, formatTime } from '../domain/format';
import { alertOutcome } from '../domain/sagas';

function Alerts({ model }: { model: string }) {
  const { tokens, setTokens, pageToken } = usePageTokens();
  const alerts = useQuery({ queryKey: ['alerts', model, pageToken], queryFn: () => api.get<{ alerts: Alert[]; nextPageToken: string }>('/api/alerts', { model, pageSize: 10, pageToken }) });
  return (
    <Loading query={alerts}>
      {({ alerts: list, nextPageToken }) => (
        <>
          <Table striped data-testid="alerts-table">
            <Table.Thead><Table.Tr><Table.Th>Raised</Table.Th><Table.Th>Kind</Table.Th><Table.Th>Version</Table.Th><Table.Th>Evidence</Table.Th><Table.Th>Retraining</Table.Th><Table.Th>Outcome</Table.Th></Table.Tr></Table.Thead>
            <Table.Tbody>
              {list.map((a) => (
                <Table.Tr key={a.alertId} data-testid="alert-row" data-outcome={alertOutcome(a)}>
                  <Table.Td>{formatTime(a.raisedAtMs)}</Table.Td>
                  <Table.Td>{a.kind.replace('_', ' ')}</Table.Td>
                  <Table.Td>v{a.version}</Table.Td>
                  <Table.Td>{a.kind === 'performance' ? `${a.metric} ${formatNumber(a.current)} vs test ${formatNumber(a.baseline)} (n=${a.sampleSize})` : `${formatPercent(a.driftedShare)} of features drifted: ${a.features.filter((f) => f.drifted).map((f) => f.feature).join(', ')}`}</Table.Td>
                  <Table.Td>{a.retrainRequested ? 'requested' : a.retrainNote || 'no'}</Table.Td>
                  <Table.Td>
                    <Group gap={4}>
                      <StateBadge value={alertOutcome(a)} />
                      {a.saga?.version ? <Badge variant="outline">v{a.saga.version}</Badge> : null}
                      {a.saga ? <Text size="xs" c="dimmed">{formatDuration(a.saga.totalMs)}</Text> : null}
                    </Group>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
          <TokenPager tokens={tokens} next={nextPageToken} onChange={setTokens} />
        </>
      )}
    </Loading>
  );
}

function ModelPanel({ model }: { model: string }) {
  const data = useQuery({ queryKey: ['monitoring', model], queryFn: () => api.get<ModelMonitoring>(`/api/monitoring/${seg(model)}`), refetchInterval: 10_000 });
  const [feature, setFeature] = useState<string | null>(null);
  return (
    <Loading query={data}>
      {({ policy, drift, driftHistory, performance, performanceHistory }) => {
        const features = [...(drift?.features ?? []), ...(drift?.prediction ? [drift.prediction] : [])];
        const chosen = features.find((f) => f.feature === feature) ?? features.find((f) => f.drifted) ?? features[0];
        const metric = performance?.metric ?? policy.performanceMetric ?? 'accuracy';
        return (
          <Stack>
            <Text size="xs" c="dimmed">
              window {policy.windowSize} rows, judged every {policy.evaluateEvery}; drift when ≥ {formatPercent(policy.driftShare ?? 0.5)} of features drift {policy.consecutive} times in a row; retraining {policy.retrain.replace('RETRAIN_POLICY_', '').toLowerCase().replace('_', ' ')}
            </Text>
            <Title order={4}>Data drift{drift ? ` (version ${drift.version}, ${drift.windowRows} rows against ${drift.referenceRows} of its training data, ${formatTime(drift.computedAtMs)})` : ''}</Title>
            {!drift ? <Text c="dimmed" size="sm">No evaluation yet.</Text> : (
              <SimpleGrid cols={{ base: 1, lg: 2 }}>
                <Table striped data-testid="drift-table">
                  <Table.Thead><Table.Tr><Table.Th>Feature</Table.Th><Table.Th>Test</Table.Th><Table.Th>Statistic</Table.Th><Table.Th>Threshold</Table.Th><Table.Th>Drifted</Table.Th></Table.Tr></Table.Thead>
                  <Table.Tbody>
                    {features.map((f) => (
                      <Table.Tr key={f.feature} onClick={() => setFeature(f.feature)} style={{ cursor: 'pointer', fontWeight: f.feature === chosen?.feature ? 600 : undefined }} data-testid="drift-row" data-feature={f.feature} data-drifted={f.drifted}>
                        <Table.Td>{f.feature}</Table.Td>
                        <Table.Td>{f.test}</Table.Td>
                        <Table.Td>{formatNumber(f.statistic)} {isPValue(f.test) ? '(p)' : ''}</Table.Td>
                        <Table.Td>{formatNumber(f.threshold)}</Table.Td>
                        <Table.Td>{f.drifted ? <Badge color="red">drifted</Badge> : <Badge color="teal" variant="light">no</Badge>}</Table.Td>
                      </Table.Tr>
                    ))}
                  </Table.Tbody>
                </Table>
                {chosen && (
                  <Card withBorder padding="xs">
                    <Text size="sm" fw={600}>{chosen.feature}: reference vs current</Text>
                    <Chart testId="distribution-chart" option={distributionOption(chosen)} height={260} />
                  </Card>
                )}
              </SimpleGrid>
            )}
            {chosen && (
              <Card withBorder padding="xs">
                <Text size="sm" fw={600}>{chosen.feature}: {chosen.test} over time</Text>
                <Chart testId="drift-history-chart" option={driftHistoryOption(driftHistory, chosen.feature)} height={220} />
              </Card>
            )}
            <Title order={4}>Live performance{performance ? ` (version ${performance.version}, ${performance.labelled} labelled predictions)` : ''}</Title>
            {!performance ? <Text c="dimmed" size="sm">No labels joined yet.</Text> : (
              <Card withBorder padding="xs" data-testid="performance" data-degraded={performance.degraded}>
                <Text size="sm">
                  {metric} {formatNumber(performance.current[metric])} live vs {formatNumber(performance.baseline[metric])} on the test split: {formatPercent(performance.degradation)} worse (limit {formatPercent(performance.maxDegradation)})
                </Text>
                <Chart testId="performance-chart" option={performanceOption(performanceHistory, metric)} height={220} />
              </Card>
            )}
            <Title order={4}>Alerts</Title>
            <Alerts model={model} />
          </Stack>
        );
      }}
    </Loading>
  );
}

/** Per model: every feature's drift test over time, reference vs current distributions, live accuracy against the test metric, alerts and what they led to. */
export function Monitoring() {
  const { model = '' } = useParams();
  const navigate = useNavigate();
  const models = useQuery({ queryKey: ['models', 'all'], queryFn: () => api.get<Page<RegisteredModel>>('/api/models', { pageSize: 100 }) });
  const names = useMemo(() => (models.data?.items ?? []).map((m) => m.name), [models.data]);
  return (
    <Stack>
      <Group>
        <Title order={3}>Monitoring</Title>
        <Select placeholder="model" data={names} value={model || null} onChange={(m) => m && navigate(`/monitoring/${seg(m)}`)} searchable w={320} data-testid="monitoring-model" />
      </Group>
      {model ? <ModelPanel model={model} /> : <Text c="dimmed">Choose a model.</Text>}
    </Stack>
  );
}
