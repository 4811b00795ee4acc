import { Button, Checkbox, Grid, Group, NavLink, ScrollArea, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { usePageTokens } from '../components/usePageTokens';
import { api } from '../api/client';
import type { Experiment, Run } from '../api/types';
import { ErrorAlert, Loading, StateBadge, TextLink, TokenPager } from '../components/common';
import { formatNumber, formatTime } from '../domain/format';

const PAGE = 50;

/** Experiments, and the runs of one, searched with MLflow's filter grammar; the filter and order are in the URL. */
export function Runs() {
  const [params, setParams] = useSearchParams();
  const experiment = params.get('experiment') ?? '';
  const filter = params.get('filter') ?? '';
  const orderBy = params.get('orderBy') ?? '';
  const [draft, setDraft] = useState({ filter, orderBy });
  const [expQuery, setExpQuery] = useState('');
  const { tokens, setTokens, pageToken } = usePageTokens();
  const [selected, setSelected] = useState<string[]>([]);
  const set = (next: Record<string, string>) => {
    setTokens([]);
    setParams({ ...Object.fromEntries(params), ...next });
  };

  const expPages = usePageTokens();
  const experiments = useQuery({
    queryKey: ['experiments', expQuery, expPages.pageToken],
    queryFn: () => api.get<{ experiments: Experiment[]; nextPageToken: string }>('/api/experiments', { q: expQuery, pageSize: 50, pageToken: expPages.pageToken }),
  });
  const runs = useQuery({
    queryKey: ['runs', experiment, filter, orderBy, pageToken],
    queryFn: () => api.get<{ runs: Run[]; nextPageToken: string }>('/api/runs', { experiment, filter, orderBy, pageSize: PAGE, pageToken }),
  });
  const metricKeys = [...new Set((runs.data?.runs ?? []).flatMap((r) => Object.keys(r.metrics)))].sort().slice(0, 6);
  const compareAll = `/runs/compare?experiment=${encodeURIComponent(experiment)}${filter ? `&filter=${encodeURIComponent(filter)}` : ''}`;

  return (
    <Grid>
      <Grid.Col span={{ base: 12, md: 3 }}>
        <Stack gap="xs">
          <Title order={4}>Experiments</Title>
          <TextInput size="xs" placeholder="name contains…" value={expQuery} onChange={(e) => { setExpQuery(e.currentTarget.value); expPages.reset(); }} />
          <ScrollArea h={600}>
            <NavLink label="all experiments" active={!experiment} onClick={() => set({ experiment: '' })} />
            <Loading query={experiments}>
              {({ experiments: list }) => list.map((e) => (
                <NavLink key={e.name} label={e.name} description={`${e.runCount} runs`} active={e.name === experiment} onClick={() => set({ experiment: e.name })} data-testid="experiment" />
              ))}
            </Loading>
          </ScrollArea>
          <TokenPager tokens={expPages.tokens} next={experiments.data?.nextPageToken ?? ''} onChange={expPages.setTokens} />
        </Stack>
      </Grid.Col>
      <Grid.Col span={{ base: 12, md: 9 }}>
        <Stack gap="xs">
          <Group justify="space-between">
            <Title order={3}>{experiment || 'All runs'}</Title>
            <Group gap="xs">
              <Button size="xs" component={Link} to={`/runs/compare?runs=${selected.join(',')}`} disabled={selected.length < 2} data-testid="compare-selected">
                Compare {selected.length || ''} selected
              </Button>
              <Button size="xs" variant="light" component={Link} to={compareAll} disabled={!experiment} data-testid="compare-all">
                Compare all matching (up to 1,000)
              </Button>
            </Group>
          </Group>
          <Group align="flex-end">
            <TextInput label="Filter (MLflow syntax)" placeholder="metrics.accuracy > 0.9 and params.algorithm = 'gbdt'" value={draft.filter} onChange={(e) => setDraft({ ...draft, filter: e.currentTarget.value })} style={{ flex: 1 }} data-testid="runs-filter" />
            <TextInput label="Order by" placeholder="metrics.accuracy DESC" value={draft.orderBy} onChange={(e) => setDraft({ ...draft, orderBy: e.currentTarget.value })} w={220} />
            <Button onClick={() => set(draft)} data-testid="runs-search">Search</Button>
          </Group>
          {runs.error ? <ErrorAlert error={runs.error} /> : null}
          <Loading query={runs}>
            {({ runs: list, nextPageToken }) => (
              <>
                <Table striped highlightOnHover data-testid="runs-table">
                  <Table.Thead>
                    <Table.Tr>
                      <Table.Th />
                      <Table.Th>Run</Table.Th><Table.Th>Status</Table.Th><Table.Th>Started</Table.Th>
                      {metricKeys.map((k) => <Table.Th key={k}>{k}</Table.Th>)}
                    </Table.Tr>
                  </Table.Thead>
                  <Table.Tbody>
                    {list.map((r) => (
                      <Table.Tr key={r.runId}>
                        <Table.Td><Checkbox size="xs" checked={selected.includes(r.runId)} onChange={(e) => setSelected(e.currentTarget.checked ? [...selected, r.runId].slice(-100) : selected.filter((x) => x !== r.runId))} /></Table.Td>
                        <Table.Td><TextLink to={`/runs/${r.runId}`}>{r.runName || r.runId.slice(0, 8)}</TextLink></Table.Td>
                        <Table.Td><StateBadge value={r.status} prefix="RUN_STATUS_" /></Table.Td>
                        <Table.Td>{formatTime(r.startTimeMs)}</Table.Td>
                        {metricKeys.map((k) => <Table.Td key={k}>{formatNumber(r.metrics[k])}</Table.Td>)}
                      </Table.Tr>
                    ))}
                  </Table.Tbody>
                </Table>
                {list.length === 0 && <Text c="dimmed" size="sm">No run matches.</Text>}
                <TokenPager tokens={tokens} next={nextPageToken} onChange={setTokens} />
              </>
            )}
          </Loading>
        </Stack>
      </Grid.Col>
    </Grid>
  );
}
