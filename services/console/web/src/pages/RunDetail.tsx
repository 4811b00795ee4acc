import { Card, Code, Group, Select, SimpleGrid, Stack, Table, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useParams } from 'react-router';
import { api, seg } from '../api/client';
import type { Metric, Run } from '../api/types';
import { Chart } from '../components/Chart';
import { Hash, KeyValues, Loading, StateBadge, TextLink } from '../components/common';
import { curvesOption } from '../domain/charts';
import { formatDuration, formatNumber, formatTime } from '../domain/format';

/** One run: params, the latest metrics, a metric's series, tags, artifacts and its reproducibility record. */
export function RunDetail() {
  const { id = '' } = useParams();
  const run = useQuery({ queryKey: ['runs', 'one', id], queryFn: () => api.get<Run>(`/api/runs/${seg(id)}`) });
  const [metric, setMetric] = useState<string | null>(null);
  const key = metric ?? Object.keys(run.data?.metrics ?? {}).sort()[0] ?? null;
  const history = useQuery({ queryKey: ['runs', 'history', id, key], enabled: Boolean(key), queryFn: () => api.get<{ metrics: Metric[] }>(`/api/runs/${seg(id)}/metrics/${seg(key!)}`) });
  return (
    <Loading query={run}>
      {(r) => (
        <Stack>
          <Group>
            <Title order={3}>{r.runName || r.runId}</Title>
            <StateBadge value={r.status} prefix="RUN_STATUS_" />
            <TextLink to={`/runs?experiment=${encodeURIComponent(r.experiment)}`}>{r.experiment}</TextLink>
          </Group>
          <Text size="xs" c="dimmed">{r.runId} · started {formatTime(r.startTimeMs)}{r.endTimeMs ? ` · took ${formatDuration(r.endTimeMs - r.startTimeMs)}` : ''}</Text>
          <SimpleGrid cols={{ base: 1, md: 2 }}>
            <Card withBorder padding="sm">
              <Text size="xs" c="dimmed">Params</Text>
              <Table data-testid="run-params"><Table.Tbody>{Object.entries(r.params).sort().map(([k, v]) => <Table.Tr key={k}><Table.Td>{k}</Table.Td><Table.Td><Code>{v}</Code></Table.Td></Table.Tr>)}</Table.Tbody></Table>
            </Card>
            <Card withBorder padding="sm">
              <Text size="xs" c="dimmed">Latest metrics</Text>
              <Table data-testid="run-metrics"><Table.Tbody>{Object.entries(r.metrics).sort().map(([k, v]) => <Table.Tr key={k}><Table.Td>{k}</Table.Td><Table.Td>{formatNumber(v)}</Table.Td></Table.Tr>)}</Table.Tbody></Table>
            </Card>
          </SimpleGrid>
          <Group>
            <Title order={4}>Series</Title>
            <Select size="xs" data={Object.keys(r.metrics).sort()} value={key} onChange={setMetric} searchable w={260} />
          </Group>
          <Loading query={history}>
            {({ metrics }) => <Chart testId="run-series" option={curvesOption([{ name: key ?? '', points: metrics.map((m) => [m.step, m.value]) }], key ?? '')} />}
          </Loading>
          <SimpleGrid cols={{ base: 1, md: 2 }}>
            <Card withBorder padding="sm">
              <Text size="xs" c="dimmed">Reproducibility</Text>
              <Text size="sm">snapshot <Hash value={r.reproducibility?.snapshotContentHash ?? ''} /> · seed {r.reproducibility?.seed ?? '–'} · code {r.reproducibility?.codeVersion || '–'}</Text>
              <KeyValues values={r.reproducibility?.packages ?? {}} />
            </Card>
            <Card withBorder padding="sm">
              <Text size="xs" c="dimmed">Tags</Text>
              <KeyValues values={r.tags} />
              <Text size="xs" c="dimmed" mt="xs">Artifacts</Text>
              {r.artifacts.map((a) => <Text key={a.path} size="sm">{a.path} <Hash value={a.sha256} /> {(a.size / 1024).toFixed(1)} KiB</Text>)}
            </Card>
          </SimpleGrid>
        </Stack>
      )}
    </Loading>
  );
}
