import { Badge, Group, Stack, Table, TextInput, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useSearchParams } from 'react-router';
import { api } from '../api/client';
import type { Page, RegisteredModel } from '../api/types';
import { Loading, NumberPager, TextLink } from '../components/common';
import { enumLabel, formatTime } from '../domain/format';

/** Registered models: search by name, page through them. Filters live in the URL. */
export function Models() {
  const [params, setParams] = useSearchParams();
  const q = params.get('q') ?? '';
  const page = Number(params.get('page') ?? 1);
  const models = useQuery({ queryKey: ['models', q, page], queryFn: () => api.get<Page<RegisteredModel>>('/api/models', { q, page, pageSize: 20 }) });
  const set = (next: Record<string, string>) => setParams({ ...Object.fromEntries(params), ...next }, { replace: true });
  return (
    <Stack>
      <Title order={3}>Models</Title>
      <TextInput placeholder="name contains…" value={q} onChange={(e) => set({ q: e.currentTarget.value, page: '1' })} w={320} data-testid="models-filter" />
      <Loading query={models}>
        {(p) => (
          <>
            <Table striped highlightOnHover data-testid="models-table">
              <Table.Thead>
                <Table.Tr><Table.Th>Name</Table.Th><Table.Th>Latest</Table.Th><Table.Th>Aliases</Table.Th><Table.Th>Promotion</Table.Th><Table.Th>Created</Table.Th></Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {p.items.map((m) => (
                  <Table.Tr key={m.name}>
                    <Table.Td><TextLink to={`/models/${encodeURIComponent(m.name)}`}>{m.name}</TextLink></Table.Td>
                    <Table.Td>v{m.latestVersion}</Table.Td>
                    <Table.Td>
                      <Group gap={4}>{Object.entries(m.aliases).map(([a, v]) => <Badge key={a} variant="light" tt="none">{a} → v{v}</Badge>)}</Group>
                    </Table.Td>
                    <Table.Td>{enumLabel(m.promotionPolicy, 'PROMOTION_POLICY_')}</Table.Td>
                    <Table.Td>{formatTime(m.createdAtMs)}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
            <NumberPager total={p.total} page={p.page} pageSize={p.pageSize} onChange={(n) => set({ page: String(n) })} />
          </>
        )}
      </Loading>
    </Stack>
  );
}
