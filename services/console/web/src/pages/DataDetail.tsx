import { Badge, Card, Code, Group, Select, SimpleGrid, Stack, Table, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useParams, useSearchParams } from 'react-router';
import { usePageTokens } from '../components/usePageTokens';
import { api, seg } from '../api/client';
import type { Dataset, DatasetVersion, FeatureView, Snapshot } from '../api/types';
import { Chart } from '../components/Chart';
import { Hash, Loading, TextLink, TokenPager } from '../components/common';
import { profileOption } from '../domain/charts';
import { enumLabel, formatDuration, formatNumber, formatTime } from '../domain/format';
import { RejectedRecords } from './Data';

/** A dataset: its schema versions (columns and their rules), its immutable versions with hashes, its rejected records. */
export function DatasetDetail() {
  const { name = '' } = useParams();
  const [params] = useSearchParams();
  const highlighted = Number(params.get('version') ?? 0);
  const detail = useQuery({ queryKey: ['dataset', name], queryFn: () => api.get<{ dataset: Dataset; schemas: Dataset[]; versions: DatasetVersion[] }>(`/api/datasets/${seg(name)}`) });
  const [schemaVersion, setSchemaVersion] = useState<string | null>(null);
  return (
    <Loading query={detail}>
      {({ dataset, schemas, versions }) => {
        const schema = schemas.find((s) => String(s.schemaVersion) === schemaVersion) ?? dataset;
        return (
          <Stack>
            <Title order={3} data-testid="dataset-name">{dataset.dataset}</Title>
            {dataset.description && <Text size="sm" data-testid="dataset-description">{dataset.description}</Text>}
            <Group>
              <Title order={4}>Schema</Title>
              <Select size="xs" data={schemas.map((s) => ({ value: String(s.schemaVersion), label: `v${s.schemaVersion} (${formatTime(s.createdAtMs)})` }))} value={String(schema.schemaVersion)} onChange={setSchemaVersion} w={240} />
            </Group>
            <Table striped data-testid="schema-table">
              <Table.Thead><Table.Tr><Table.Th>Column</Table.Th><Table.Th>Type</Table.Th><Table.Th>Nullable</Table.Th><Table.Th>Rules</Table.Th><Table.Th>Role</Table.Th></Table.Tr></Table.Thead>
              <Table.Tbody>
                {schema.columns.map((c) => (
                  <Table.Tr key={c.name}>
                    <Table.Td>{c.name}</Table.Td>
                    <Table.Td>{enumLabel(c.type, 'COLUMN_TYPE_')}</Table.Td>
                    <Table.Td>{c.nullable ? 'yes' : 'no'}</Table.Td>
                    <Table.Td>{[c.hasMin ? `≥ ${c.min}` : '', c.hasMax ? `≤ ${c.max}` : '', c.categories.length ? `one of ${c.categories.join(', ')}` : ''].filter(Boolean).join(', ') || '–'}</Table.Td>
                    <Table.Td>{c.name === schema.entityColumn ? <Badge size="xs">entity</Badge> : c.name === schema.eventTimeColumn ? <Badge size="xs">event time</Badge> : c.name === schema.labelColumn ? <Badge size="xs">label</Badge> : null}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
            <Title order={4}>Versions</Title>
            <Table striped data-testid="dataset-versions">
              <Table.Thead><Table.Tr><Table.Th>Version</Table.Th><Table.Th>Rows</Table.Th><Table.Th>Content hash</Table.Th><Table.Th>Event times</Table.Th><Table.Th>Schema</Table.Th><Table.Th>Cut by</Table.Th><Table.Th>Created</Table.Th></Table.Tr></Table.Thead>
              <Table.Tbody>
                {versions.map((v) => (
                  <Table.Tr key={v.version} bg={v.version === highlighted ? 'yellow.0' : undefined} data-testid="dataset-version" data-version={v.version}>
                    <Table.Td>v{v.version}{v.name ? ` ${v.name}` : ''}</Table.Td>
                    <Table.Td>{v.rowCount}</Table.Td>
                    <Table.Td><Hash value={v.contentHash} /></Table.Td>
                    <Table.Td>{formatTime(v.minEventTimeMs)} – {formatTime(v.maxEventTimeMs)}</Table.Td>
                    <Table.Td>v{v.schemaVersion}</Table.Td>
                    <Table.Td>{v.trigger}</Table.Td>
                    <Table.Td>{formatTime(v.createdAtMs)}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
            <Title order={4}>Rejected records</Title>
            <RejectedRecords dataset={dataset.dataset} reason="" />
          </Stack>
        );
      }}
    </Loading>
  );
}

/** A feature view: its features and transforms, and its snapshots. */
export function FeatureViewDetail() {
  const { name = '' } = useParams();
  const { tokens, setTokens, pageToken } = usePageTokens();
  const detail = useQuery({ queryKey: ['feature-view', name, pageToken], queryFn: () => api.get<{ view: FeatureView; snapshots: Snapshot[]; nextPageToken: string }>(`/api/feature-views/${seg(name)}`, { pageSize: 20, pageToken }) });
  return (
    <Loading query={detail}>
      {({ view, snapshots, nextPageToken }) => (
        <Stack>
          <Title order={3}>{view.name} v{view.version}</Title>
          <Text size="sm">from <TextLink to={`/data/datasets/${seg(view.sourceDataset)}`}>{view.sourceDataset}</TextLink>, entity {view.entityColumn}, TTL {view.ttlSeconds} s</Text>
          <Table striped>
            <Table.Thead><Table.Tr><Table.Th>Feature</Table.Th><Table.Th>Transform</Table.Th></Table.Tr></Table.Thead>
            <Table.Tbody>
              {view.features.map((f) => {
                const { name: feature, ...transform } = f as { name: string };
                return <Table.Tr key={feature}><Table.Td>{feature}</Table.Td><Table.Td><Code>{JSON.stringify(Object.fromEntries(Object.entries(transform).filter(([, v]) => v)))}</Code></Table.Td></Table.Tr>;
              })}
            </Table.Tbody>
          </Table>
          <Title order={4}>Snapshots</Title>
          <Table striped data-testid="snapshots-table">
            <Table.Thead><Table.Tr><Table.Th>Snapshot</Table.Th><Table.Th>Dataset version</Table.Th><Table.Th>Rows</Table.Th><Table.Th>Content hash</Table.Th><Table.Th>Build</Table.Th><Table.Th>Created</Table.Th></Table.Tr></Table.Thead>
            <Table.Tbody>
              {snapshots.map((s) => (
                <Table.Tr key={s.snapshotId}>
                  <Table.Td><TextLink to={`/data/snapshots/${s.snapshotId}`}>{s.snapshotId.slice(0, 8)}</TextLink></Table.Td>
                  <Table.Td><TextLink to={`/data/datasets/${seg(s.dataset)}?version=${s.datasetVersion}`}>{s.dataset} v{s.datasetVersion}</TextLink></Table.Td>
                  <Table.Td>{s.rowCount}</Table.Td>
                  <Table.Td><Hash value={s.contentHash} /></Table.Td>
                  <Table.Td>{formatDuration(s.buildMs)}</Table.Td>
                  <Table.Td>{formatTime(s.createdAtMs)}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
          <TokenPager tokens={tokens} next={nextPageToken} onChange={setTokens} />
        </Stack>
      )}
    </Loading>
  );
}

/** A snapshot: what it was cut from, and each feature's profile (the reference drift is judged against). */
export function SnapshotDetail() {
  const { id = '' } = useParams();
  const snapshot = useQuery({ queryKey: ['snapshot', id], queryFn: () => api.get<Snapshot>(`/api/snapshots/${seg(id)}`) });
  return (
    <Loading query={snapshot}>
      {(s) => (
        <Stack>
          <Title order={3}>Snapshot {s.snapshotId.slice(0, 8)}</Title>
          <Text size="sm">
            {s.rowCount} rows of <TextLink to={`/data/feature-views/${seg(s.featureView)}`}>{s.featureView} v{s.featureViewVersion}</TextLink> over{' '}
            <TextLink to={`/data/datasets/${seg(s.dataset)}?version=${s.datasetVersion}`}>{s.dataset} v{s.datasetVersion}</TextLink> · content <Hash value={s.contentHash} /> · built in {formatDuration(s.buildMs)}
            {s.requestedByRunId ? <> for run <TextLink to={`/runs/${s.requestedByRunId}`}>{s.requestedByRunId.slice(0, 8)}</TextLink></> : null}
          </Text>
          <SimpleGrid cols={{ base: 1, md: 2, xl: 3 }}>
            {s.profiles.map((p) => (
              <Card key={p.feature} withBorder padding="xs" data-testid="profile">
                <Text size="sm" fw={600}>{p.feature}</Text>
                <Text size="xs" c="dimmed">
                  {p.numeric ? `n=${p.numeric.count} · nulls ${p.numeric.nulls} · mean ${formatNumber(p.numeric.mean)} · std ${formatNumber(p.numeric.std)} · [${formatNumber(p.numeric.min)}, ${formatNumber(p.numeric.max)}]` : `n=${p.categorical?.count} · ${p.categorical?.distinct} distinct · nulls ${p.categorical?.nulls}`}
                </Text>
                <Chart option={profileOption(p)} height={180} />
              </Card>
            ))}
          </SimpleGrid>
        </Stack>
      )}
    </Loading>
  );
}
