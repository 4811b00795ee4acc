import { Alert, Group, Select, SimpleGrid, Stack, Switch, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useEffect, useMemo, useState } from 'react';
import { useSearchParams } from 'react-router';
import { api } from '../api/client';
import type { Run, RunMetricHistory } from '../api/types';
import { Chart } from '../components/Chart';
import { Loading } from '../components/common';
import { RunsGrid } from '../components/RunsGrid';
import { curvesOption, parallelOption } from '../domain/charts';
import { compareColumns } from '../domain/compare';

/** Params shown as axes of the parallel-coordinates view at most (the ones that differ first). */
const MAX_AXES = 12;

/**
 * Runs compared: one metric's curves overlaid, the hyperparameter search in parallel
 * coordinates, and every param and metric side by side with the differences marked. Which
 * runs (ids, or an experiment and a filter) and which metric are in the URL.
 */
export function Compare() {
  const [params, setParams] = useSearchParams();
  const runIds = params.get('runs') ?? '';
  const experiment = params.get('experiment') ?? '';
  const filter = params.get('filter') ?? '';
  const [onlyDifferences, setOnlyDifferences] = useState(true);
  const [rendered, setRendered] = useState({ curves: false, parallel: false });

  const comparison = useQuery({
    queryKey: ['runs', 'compare', runIds, experiment, filter],
    queryFn: () => api.get<{ runs: Run[]; truncated: boolean }>('/api/compare', { runs: runIds, experiment, filter }),
  });
  const runs = useMemo(() => comparison.data?.runs ?? [], [comparison.data]);
  const columns = useMemo(() => compareColumns(runs), [runs]);
  const metricKeys = useMemo(() => columns.filter((c) => c.kind === 'metric').map((c) => c.key), [columns]);
  const metric = params.get('metric') ?? metricKeys[0] ?? '';
  const differingParams = useMemo(() => columns.filter((c) => c.kind === 'param' && c.differs).map((c) => c.key).slice(0, MAX_AXES), [columns]);
  const shown = useMemo(() => (onlyDifferences ? columns.filter((c) => c.differs || (c.kind === 'metric' && c.key === metric)) : columns), [columns, onlyDifferences, metric]);

  const histories = useQuery({
    queryKey: ['runs', 'histories', runIds, experiment, filter, metric, runs.length],
    enabled: runs.length > 0 && Boolean(metric),
    queryFn: () => api.post<{ histories: RunMetricHistory[] }>('/api/metric-histories', { runIds: runs.map((r) => r.runId), key: metric, maxPointsPerRun: runs.length > 200 ? 60 : 200 }),
  });
  // Series need distinct names (a search's trials often share a run name).
  const names = useMemo(() => new Map(runs.map((r) => [r.runId, `${r.runName ? `${r.runName} ` : ''}${r.runId.slice(0, 8)}`])), [runs]);
  const curves = useMemo(() => curvesOption((histories.data?.histories ?? []).filter((h) => h.metrics.length).map((h) => ({ name: names.get(h.runId) ?? h.runId, points: h.metrics.map((m) => [m.step, m.value] as [number, number]) })), metric), [histories.data, names, metric]);
  const parallel = useMemo(() => parallelOption(runs, differingParams, metric), [runs, differingParams, metric]);

  useEffect(() => setRendered({ curves: false, parallel: false }), [metric, runIds, experiment, filter]);
  const ready = runs.length > 0 && histories.isSuccess && rendered.curves && rendered.parallel;

  return (
    <Stack data-testid="compare" data-ready={ready} data-runs={runs.length}>
      <Group justify="space-between">
        <Title order={3}>Compare {runs.length} runs{experiment ? ` of ${experiment}` : ''}</Title>
        <Group>
          <Select label="Metric" data={metricKeys} value={metric} onChange={(m) => m && setParams({ ...Object.fromEntries(params), metric: m }, { replace: true })} searchable w={260} data-testid="compare-metric" />
          <Switch label="Only differences" checked={onlyDifferences} onChange={(e) => setOnlyDifferences(e.currentTarget.checked)} mt={20} />
        </Group>
      </Group>
      {filter && <Text size="sm" c="dimmed">filter: {filter}</Text>}
      {comparison.data?.truncated && <Alert color="yellow">More than 1,000 runs match: the first 1,000 are compared. Narrow the filter to see the rest.</Alert>}
      <Loading query={comparison}>
        {() => (
          <>
            <SimpleGrid cols={{ base: 1, xl: 2 }}>
              <Stack gap={4}>
                <Text fw={600} size="sm">{metric} by step</Text>
                <Loading query={histories}>{() => <Chart testId="compare-curves" option={curves} height={340} onRendered={() => setRendered((r) => (r.curves ? r : { ...r, curves: true }))} />}</Loading>
              </Stack>
              <Stack gap={4}>
                <Text fw={600} size="sm">Hyperparameters → {metric} ({differingParams.length} params that differ)</Text>
                <Chart testId="compare-parallel" option={parallel} height={340} onRendered={() => setRendered((r) => (r.parallel ? r : { ...r, parallel: true }))} />
              </Stack>
            </SimpleGrid>
            <Text fw={600} size="sm">Params and metrics ({shown.length} of {columns.length} columns{onlyDifferences ? ', only those that differ' : ''})</Text>
            <RunsGrid runs={runs} columns={shown} />
          </>
        )}
      </Loading>
    </Stack>
  );
}
