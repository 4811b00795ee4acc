import { Card, Code, Group, SimpleGrid, Stack, Table, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useParams } from 'react-router';
import { api, seg } from '../api/client';
import { useSession } from '../api/session';
import type { VersionDetail as Detail } from '../api/types';
import { ActionButton } from '../components/ActionButton';
import { Hash, KeyValues, Loading, StateBadge, TextLink } from '../components/common';
import { LineageGraph } from '../components/LineageGraph';
import { formatTime } from '../domain/format';

/** One model version: status, signature, metrics, tags, lineage graph, approvals. */
export function VersionDetail() {
  const { name = '', version = '' } = useParams();
  const { can } = useSession();
  const detail = useQuery({ queryKey: ['model', name, 'version', version], queryFn: () => api.get<Detail>(`/api/models/${seg(name)}/versions/${seg(version)}`) });
  return (
    <Loading query={detail}>
      {({ version: v, lineage, approvals, productionVersionAtRegistration }) => (
        <Stack>
          <Group justify="space-between">
            <Group>
              <Title order={3}><TextLink to={`/models/${seg(v.modelName)}`}>{v.modelName}</TextLink> v{v.version}</Title>
              <StateBadge value={v.status} prefix="VERSION_STATUS_" />
            </Group>
            {can('approveVersion') && (
              <ActionButton
                label="Approve for production"
                testId="approve-button"
                confirm={`Approve version ${v.version} of ${v.modelName} for the production alias.`}
                run={(reason) => api.post(`/api/models/${seg(v.modelName)}/versions/${v.version}/approve`, { alias: 'production', reason })}
                invalidates={[['model', v.modelName]]}
              />
            )}
          </Group>
          {v.statusMessage && <Text size="sm" c="dimmed">{v.statusMessage}</Text>}
          {v.description && <Text size="sm" data-testid="version-description">{v.description}</Text>}
          <Title order={4}>Lineage</Title>
          <LineageGraph nodes={lineage.nodes} edges={lineage.edges} />
          <Text size="xs" c="dimmed">production was version {productionVersionAtRegistration || '–'} when this one was registered</Text>
          <SimpleGrid cols={{ base: 1, md: 2 }}>
            <Card withBorder padding="sm">
              <Text size="xs" c="dimmed">Metrics (test split)</Text>
              <KeyValues values={v.metrics} />
              <Text size="xs" c="dimmed" mt="xs">Tags</Text>
              <div data-testid="version-tags"><KeyValues values={v.tags} /></div>
              <Text size="xs" c="dimmed" mt="xs">Artifact</Text>
              <Group gap="xs"><Hash value={v.artifactSha256} /><Text size="xs">{(v.artifactSize / 1024).toFixed(1)} KiB</Text></Group>
            </Card>
            <Card withBorder padding="sm">
              <Text size="xs" c="dimmed">Signature</Text>
              <Table>
                <Table.Thead><Table.Tr><Table.Th>tensor</Table.Th><Table.Th>datatype</Table.Th><Table.Th>shape</Table.Th></Table.Tr></Table.Thead>
                <Table.Tbody>
                  {[...(v.signature?.inputs ?? []).map((t) => ({ ...t, dir: 'in' })), ...(v.signature?.outputs ?? []).map((t) => ({ ...t, dir: 'out' }))].map((t) => (
                    <Table.Tr key={`${t.dir}-${t.name}`}><Table.Td>{t.dir} <Code>{t.name}</Code></Table.Td><Table.Td>{t.datatype}</Table.Td><Table.Td>[{t.shape.join(', ')}]</Table.Td></Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
              <Text size="xs" c="dimmed" mt="xs">Features: {(v.signature?.featureNames ?? []).join(', ') || '–'}</Text>
            </Card>
          </SimpleGrid>
          <Title order={4}>Approvals</Title>
          {approvals.length === 0 ? <Text size="sm" c="dimmed">none</Text> : approvals.map((a) => <Text key={a.approvedAtMs} size="sm">{a.alias} by {a.approvedBy} at {formatTime(a.approvedAtMs)}: {a.reason}</Text>)}
        </Stack>
      )}
    </Loading>
  );
}
