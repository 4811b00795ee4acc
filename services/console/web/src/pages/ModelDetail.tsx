import { Badge, Card, Group, NumberInput, SimpleGrid, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useParams } from 'react-router';
import { api, seg } from '../api/client';
import { useSession } from '../api/session';
import type { ModelDetail as Detail } from '../api/types';
import { ActionButton } from '../components/ActionButton';
import { KeyValues, Loading, StateBadge, TextLink } from '../components/common';
import { enumLabel, formatTime } from '../domain/format';

function SetAliasForm({ model, latest }: { model: string; latest: number }) {
  const [alias, setAlias] = useState('production');
  const [version, setVersion] = useState<number>(latest);
  return (
    <Card withBorder padding="sm" data-testid="set-alias">
      <Text fw={600} size="sm" mb={6}>Move an alias</Text>
      <Group align="flex-end">
        <TextInput label="Alias" value={alias} onChange={(e) => setAlias(e.currentTarget.value)} w={160} />
        <NumberInput label="Version" value={version} onChange={(v) => setVersion(Number(v))} min={1} w={100} />
        <ActionButton
          label="Set alias"
          testId="set-alias-button"
          confirm={`Point ${alias} of ${model} at version ${version}.`}
          run={(reason) => api.post(`/api/models/${seg(model)}/aliases`, { alias, version, reason })}
          invalidates={[['model', model], ['models']]}
        />
      </Group>
    </Card>
  );
}

/** A registered model: aliases, promotion and deployment policies, versions, approvals, rollouts. */
export function ModelDetail() {
  const { name = '' } = useParams();
  const { can } = useSession();
  const detail = useQuery({ queryKey: ['model', name], queryFn: () => api.get<Detail>(`/api/models/${seg(name)}`) });
  return (
    <Loading query={detail}>
      {({ model, versions, approvals, deploymentPolicy, deployments }) => (
        <Stack>
          <Group justify="space-between">
            <Title order={3} data-testid="model-name">{model.name}</Title>
            <Group gap={4}>{Object.entries(model.aliases).map(([a, v]) => <Badge key={a} size="lg" variant="light" tt="none" data-testid={`alias-${a}`}>{a} → v{v}</Badge>)}</Group>
          </Group>
          {model.description && <Text size="sm">{model.description}</Text>}
          <SimpleGrid cols={{ base: 1, md: 3 }}>
            <Card withBorder padding="sm">
              <Text size="xs" c="dimmed">Promotion policy</Text>
              <Text fw={600}>{enumLabel(model.promotionPolicy, 'PROMOTION_POLICY_')}</Text>
              <Text size="xs" c="dimmed" mt={6}>Tags</Text>
              <KeyValues values={model.tags} />
            </Card>
            <Card withBorder padding="sm">
              <Text size="xs" c="dimmed">Deployment policy</Text>
              <Text fw={600}>{enumLabel(deploymentPolicy.strategy, 'STRATEGY_') || 'canary'}{deploymentPolicy.manual ? ' (manual start)' : ''}</Text>
              <Text size="xs">steps {deploymentPolicy.canarySteps.join(' → ')}% · every {deploymentPolicy.intervalSeconds ?? 30} s · {deploymentPolicy.failureLimit ?? 2} failures roll back</Text>
            </Card>
            {can('setAlias') && <SetAliasForm model={model.name} latest={model.latestVersion} />}
          </SimpleGrid>
          <Title order={4}>Versions</Title>
          <Table striped highlightOnHover data-testid="versions-table">
            <Table.Thead>
              <Table.Tr><Table.Th>Version</Table.Th><Table.Th>Status</Table.Th><Table.Th>Aliases</Table.Th><Table.Th>Metrics</Table.Th><Table.Th>Tags</Table.Th><Table.Th>Created</Table.Th></Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {versions.map((v) => (
                <Table.Tr key={v.version}>
                  <Table.Td><TextLink to={`/models/${seg(model.name)}/versions/${v.version}`}>v{v.version}</TextLink></Table.Td>
                  <Table.Td><StateBadge value={v.status} prefix="VERSION_STATUS_" /></Table.Td>
                  <Table.Td><Group gap={4}>{v.aliases.map((a) => <Badge key={a} size="sm" variant="light">{a}</Badge>)}</Group></Table.Td>
                  <Table.Td><KeyValues values={v.metrics} /></Table.Td>
                  <Table.Td><KeyValues values={v.tags} /></Table.Td>
                  <Table.Td>{formatTime(v.createdAtMs)}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
          <SimpleGrid cols={{ base: 1, md: 2 }}>
            <Stack gap="xs">
              <Title order={4}>Approvals</Title>
              {approvals.length === 0 ? <Text size="sm" c="dimmed">none</Text> : (
                <Table data-testid="approvals-table">
                  <Table.Tbody>
                    {approvals.map((a) => (
                      <Table.Tr key={`${a.version}-${a.alias}-${a.approvedAtMs}`}>
                        <Table.Td>v{a.version} → {a.alias}</Table.Td><Table.Td>{a.approvedBy}</Table.Td><Table.Td>{a.reason}</Table.Td><Table.Td>{formatTime(a.approvedAtMs)}</Table.Td>
                      </Table.Tr>
                    ))}
                  </Table.Tbody>
                </Table>
              )}
            </Stack>
            <Stack gap="xs">
              <Title order={4}>Rollouts</Title>
              <Table data-testid="model-deployments">
                <Table.Tbody>
                  {deployments.map((d) => (
                    <Table.Tr key={d.id}>
                      <Table.Td><TextLink to={`/deployments/${d.id}`}>v{d.stableVersion} → v{d.candidateVersion}</TextLink></Table.Td>
                      <Table.Td>{enumLabel(d.strategy, 'STRATEGY_')}</Table.Td>
                      <Table.Td><StateBadge value={d.state} prefix="DEPLOYMENT_STATE_" /></Table.Td>
                      <Table.Td>{formatTime(d.createdAtMs)}</Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </Stack>
          </SimpleGrid>
        </Stack>
      )}
    </Loading>
  );
}
