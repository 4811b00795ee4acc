import { Code, Group, Stack, Table, Tabs, Text, TextInput, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useSearchParams } from 'react-router';
import { usePageTokens } from '../components/usePageTokens';
import { api, seg } from '../api/client';
import type { Dataset, FeatureView, Page, RejectedRecord } from '../api/types';
import { Loading, NumberPager, TextLink, TokenPager } from '../components/common';
import { formatTime } from '../domain/format';

function Datasets({ q, page, onPage }: { q: string; page: number; onPage(n: number): void }) {
  const list = useQuery({ queryKey: ['datasets', q, page], queryFn: () => api.get<Page<Dataset>>('/api/datasets', { q, page, pageSize: 20 }) });
  return (
    <Loading query={list}>
      {(p) => (
        <>
          <Table striped highlightOnHover data-testid="datasets-table">
            <Table.Thead><Table.Tr><Table.Th>Dataset</Table.Th><Table.Th>Schema</Table.Th><Table.Th>Records</Table.Th><Table.Th>Entity / time / label</Table.Th><Table.Th>Description</Table.Th><Table.Th>Created</Table.Th></Table.Tr></Table.Thead>
            <Table.Tbody>
              {p.items.map((d) => (
                <Table.Tr key={d.dataset}>
                  <Table.Td><TextLink to={`/data/datasets/${seg(d.dataset)}`}>{d.dataset}</TextLink></Table.Td>
                  <Table.Td>v{d.schemaVersion}</Table.Td>
                  <Table.Td>{d.recordCount}</Table.Td>
                  <Table.Td>{d.entityColumn} / {d.eventTimeColumn} / {d.labelColumn || '–'}</Table.Td>
                  <Table.Td>{d.description}</Table.Td>
                  <Table.Td>{formatTime(d.createdAtMs)}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
          <NumberPager total={p.total} page={p.page} pageSize={p.pageSize} onChange={onPage} />
        </>
      )}
    </Loading>
  );
}

function FeatureViews({ q, page, onPage }: { q: string; page: number; onPage(n: number): void }) {
  const list = useQuery({ queryKey: ['feature-views', q, page], queryFn: () => api.get<Page<FeatureView>>('/api/feature-views', { q, page, pageSize: 20 }) });
  return (
    <Loading query={list}>
      {(p) => (
        <>
          <Table striped highlightOnHover data-testid="feature-views-table">
            <Table.Thead><Table.Tr><Table.Th>View</Table.Th><Table.Th>Version</Table.Th><Table.Th>Source</Table.Th><Table.Th>Features</Table.Th><Table.Th>TTL</Table.Th></Table.Tr></Table.Thead>
            <Table.Tbody>
              {p.items.map((v) => (
                <Table.Tr key={v.name}>
                  <Table.Td><TextLink to={`/data/feature-views/${seg(v.name)}`}>{v.name}</TextLink></Table.Td>
                  <Table.Td>v{v.version}</Table.Td>
                  <Table.Td><TextLink to={`/data/datasets/${seg(v.sourceDataset)}`}>{v.sourceDataset}</TextLink></Table.Td>
                  <Table.Td>{v.featureNames.join(', ')}</Table.Td>
                  <Table.Td>{v.ttlSeconds} s</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
          <NumberPager total={p.total} page={p.page} pageSize={p.pageSize} onChange={onPage} />
        </>
      )}
    </Loading>
  );
}

/** Rejected records with their reasons; the payload is shown as the text it was (never as markup). */
export function RejectedRecords({ dataset, reason }: { dataset: string; reason: string }) {
  const { tokens, setTokens, pageToken } = usePageTokens();
  const list = useQuery({ queryKey: ['rejected', dataset, reason, pageToken], queryFn: () => api.get<{ records: RejectedRecord[]; nextPageToken: string }>('/api/rejected-records', { dataset, reason, pageSize: 20, pageToken }) });
  return (
    <Loading query={list}>
      {({ records, nextPageToken }) => (
        <>
          <Table striped data-testid="rejected-table">
            <Table.Thead><Table.Tr><Table.Th>When</Table.Th><Table.Th>Dataset</Table.Th><Table.Th>Reason</Table.Th><Table.Th>Payload</Table.Th><Table.Th>Source</Table.Th></Table.Tr></Table.Thead>
            <Table.Tbody>
              {records.map((r, i) => (
                <Table.Tr key={`${r.rejectedAtMs}-${i}`} data-testid="rejected-row">
                  <Table.Td>{formatTime(r.rejectedAtMs)}</Table.Td>
                  <Table.Td>{r.dataset}</Table.Td>
                  <Table.Td><Text size="xs" fw={600}>{r.reasonCode}</Text><Text size="xs">{r.reason}</Text></Table.Td>
                  <Table.Td style={{ maxWidth: 420 }}><Code block style={{ whiteSpace: 'pre-wrap', wordBreak: 'break-all', maxHeight: 120, overflow: 'auto' }} data-testid="rejected-payload">{r.payloadEncoding === 'base64' ? `(binary, base64) ${r.payload}` : r.payload}</Code></Table.Td>
                  <Table.Td>{r.source}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
          {records.length === 0 && <Text size="sm" c="dimmed">No rejected records.</Text>}
          <TokenPager tokens={tokens} next={nextPageToken} onChange={setTokens} />
        </>
      )}
    </Loading>
  );
}

/** Data: datasets, feature views, rejected records; the tab, filters and page are in the URL. */
export function Data() {
  const [params, setParams] = useSearchParams();
  const tab = params.get('tab') ?? 'datasets';
  const q = params.get('q') ?? '';
  const page = Number(params.get('page') ?? 1);
  const set = (next: Record<string, string>) => setParams({ ...Object.fromEntries(params), ...next }, { replace: true });
  return (
    <Stack>
      <Title order={3}>Data</Title>
      <Tabs value={tab} onChange={(t) => set({ tab: t ?? 'datasets', page: '1' })}>
        <Tabs.List>
          <Tabs.Tab value="datasets">Datasets</Tabs.Tab>
          <Tabs.Tab value="feature-views">Feature views</Tabs.Tab>
          <Tabs.Tab value="rejected" data-testid="tab-rejected">Rejected records</Tabs.Tab>
        </Tabs.List>
      </Tabs>
      <Group>
        {tab === 'rejected' ? (
          <>
            <TextInput placeholder="dataset" value={params.get('dataset') ?? ''} onChange={(e) => set({ dataset: e.currentTarget.value })} w={240} />
            <TextInput placeholder="reason code, e.g. OUT_OF_RANGE" value={params.get('reason') ?? ''} onChange={(e) => set({ reason: e.currentTarget.value })} w={260} />
          </>
        ) : (
          <TextInput placeholder="name contains…" value={q} onChange={(e) => set({ q: e.currentTarget.value, page: '1' })} w={320} />
        )}
      </Group>
      {tab === 'datasets' && <Datasets q={q} page={page} onPage={(n) => set({ page: String(n) })} />}
      {tab === 'feature-views' && <FeatureViews q={q} page={page} onPage={(n) => set({ page: String(n) })} />}
      {tab === 'rejected' && <RejectedRecords dataset={params.get('dataset') ?? ''} reason={params.get('reason') ?? ''} />}
    </Stack>
  );
}
