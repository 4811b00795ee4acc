import { Badge, Code, Group, MultiSelect, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useSearchParams } from 'react-router';
import { usePageTokens } from '../components/usePageTokens';
import { api } from '../api/client';
import { useSession } from '../api/session';
import type { AuditRecord } from '../api/types';
import { ErrorAlert, Loading, TokenPager } from '../components/common';
import { formatTime } from '../domain/format';

const SERVICES = ['ingestion', 'feature-store', 'training', 'registry', 'serving', 'monitoring'];

/** Every service's audit log and the registry's governance events, merged, newest first; filters in the URL. */
export function Audit() {
  const { can } = useSession();
  const [params, setParams] = useSearchParams();
  const services = (params.get('service') ?? '').split(',').filter(Boolean);
  const principal = params.get('principal') ?? '';
  const action = params.get('action') ?? '';
  const { tokens, setTokens, pageToken } = usePageTokens();
  const [open, setOpen] = useState<string | null>(null);
  const set = (next: Record<string, string>) => {
    setTokens([]);
    setParams({ ...Object.fromEntries(params), ...next }, { replace: true });
  };
  const log = useQuery({
    queryKey: ['audit', services.join(','), principal, action, pageToken],
    queryFn: () => api.get<{ records: AuditRecord[]; nextPageToken: string }>('/api/audit', { service: services.join(','), principal, action, pageSize: 50, pageToken }),
    retry: false,
  });
  return (
    <Stack>
      <Title order={3}>Audit log</Title>
      {!can('readAuditLog') && <Text size="sm" c="dimmed">Reading the audit log needs the approver role; the services will refuse it for this token.</Text>}
      <Group align="flex-end">
        <MultiSelect label="Services" data={SERVICES} value={services} onChange={(v) => set({ service: v.join(',') })} clearable w={360} data-testid="audit-services" />
        <TextInput label="Subject" value={principal} onChange={(e) => set({ principal: e.currentTarget.value })} w={200} data-testid="audit-principal" />
        <TextInput label="Action starts with" placeholder="/mlops.registry.v1.RegistryService/SetAlias or registry:" value={action} onChange={(e) => set({ action: e.currentTarget.value })} w={380} data-testid="audit-action" />
      </Group>
      {log.error ? <ErrorAlert error={log.error} /> : (
        <Loading query={log}>
          {({ records, nextPageToken }) => (
            <>
              <Table striped highlightOnHover data-testid="audit-table">
                <Table.Thead><Table.Tr><Table.Th>When</Table.Th><Table.Th>Service</Table.Th><Table.Th>Subject</Table.Th><Table.Th>Action</Table.Th><Table.Th>Outcome</Table.Th><Table.Th>Request</Table.Th></Table.Tr></Table.Thead>
                <Table.Tbody>
                  {records.map((r) => {
                    const key = `${r.service}-${r.action.startsWith('registry:') ? 'g' : 'a'}-${r.id}`;
                    return (
                      <Table.Tr key={key} onClick={() => setOpen(open === key ? null : key)} style={{ cursor: 'pointer' }} data-testid="audit-row">
                        <Table.Td>{formatTime(r.atMs)}</Table.Td>
                        <Table.Td>{r.service}</Table.Td>
                        <Table.Td>{r.principal}{r.roles.length ? <Text span size="xs" c="dimmed"> ({r.roles.join(', ')})</Text> : null}</Table.Td>
                        <Table.Td><Code>{r.action.replace(/^\/mlops\.[a-z]+\.v1\./, '')}</Code></Table.Td>
                        <Table.Td><Badge color={r.outcome === 'OK' ? 'teal' : 'red'} variant="light">{r.outcome}</Badge></Table.Td>
                        <Table.Td style={{ maxWidth: 420 }}>
                          <Text size="xs" c="dimmed">{r.requestId}</Text>
                          {open === key && <Code block style={{ whiteSpace: 'pre-wrap', wordBreak: 'break-all' }}>{r.requestJson}</Code>}
                        </Table.Td>
                      </Table.Tr>
                    );
                  })}
                </Table.Tbody>
              </Table>
              <TokenPager tokens={tokens} next={nextPageToken} onChange={setTokens} />
            </>
          )}
        </Loading>
      )}
    </Stack>
  );
}
