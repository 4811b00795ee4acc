import { Group, Stack, Switch, Table, TextInput, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useSearchParams } from 'react-router';
import { usePageTokens } from '../components/usePageTokens';
import { api } from '../api/client';
import type { Deployment } from '../api/types';
import { Loading, StateBadge, TextLink, TokenPager } from '../components/common';
import { enumLabel, formatTime } from '../domain/format';

/** Every rollout, newest first: filter by model, only active ones; paged. */
export function Deployments() {
  const [params, setParams] = useSearchParams();
  const model = params.get('model') ?? '';
  const active = params.get('active') === 'true';
  const { tokens, setTokens, pageToken } = usePageTokens();
  const list = useQuery({ queryKey: ['deployments', model, active, pageToken], queryFn: () => api.get<{ deployments: Deployment[]; nextPageToken: string }>('/api/deployments', { model, active, pageSize: 20, pageToken }) });
  const set = (next: Record<string, string>) => {
    setTokens([]);
    setParams({ ...Object.fromEntries(params), ...next }, { replace: true });
  };
  return (
    <Stack>
      <Title order={3}>Deployments</Title>
      <Group>
        <TextInput placeholder="model" value={model} onChange={(e) => set({ model: e.currentTarget.value })} w={280} />
        <Switch label="Active only" checked={active} onChange={(e) => set({ active: String(e.currentTarget.checked) })} />
      </Group>
      <Loading query={list}>
        {({ deployments, nextPageToken }) => (
          <>
            <Table striped highlightOnHover data-testid="deployments-table">
              <Table.Thead>
                <Table.Tr><Table.Th>Model</Table.Th><Table.Th>Versions</Table.Th><Table.Th>Strategy</Table.Th><Table.Th>State</Table.Th><Table.Th>Candidate</Table.Th><Table.Th>Why</Table.Th><Table.Th>Started</Table.Th></Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {deployments.map((d) => (
                  <Table.Tr key={d.id}>
                    <Table.Td><TextLink to={`/deployments/${d.id}`}>{d.modelName}</TextLink></Table.Td>
                    <Table.Td>v{d.stableVersion} → v{d.candidateVersion}</Table.Td>
                    <Table.Td>{enumLabel(d.strategy, 'STRATEGY_')}</Table.Td>
                    <Table.Td><StateBadge value={d.state} prefix="DEPLOYMENT_STATE_" /></Table.Td>
                    <Table.Td>{d.candidateWeightPercent}%</Table.Td>
                    <Table.Td style={{ maxWidth: 380 }}>{d.reason}</Table.Td>
                    <Table.Td>{formatTime(d.createdAtMs)}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
            <TokenPager tokens={tokens} next={nextPageToken} onChange={setTokens} />
          </>
        )}
      </Loading>
    </Stack>
  );
}
