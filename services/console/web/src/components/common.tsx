import { Alert, Badge, Button, Center, Code, Group, Loader, Pagination, Text } from '@mantine/core';
import type { ReactNode } from 'react';
import { Link } from 'react-router';
import { ApiError } from '../api/client';
import { enumLabel } from '../domain/format';

/** A refusal or failure, in the owning service's words (code, message, which service). */
export function ErrorAlert({ error, title }: { error: unknown; title?: string }) {
  if (!error) return null;
  const e = error as Error;
  const code = error instanceof ApiError ? error.code : undefined;
  const service = error instanceof ApiError ? error.service : undefined;
  return (
    <Alert color="red" title={title ?? (code ? `${code}${service ? ` from ${service}` : ''}` : 'error')} data-testid="error" data-code={code}>
      {e.message}
    </Alert>
  );
}

/** Loading, failed, or the content. */
export function Loading<T>({ query, children }: { query: { isPending: boolean; error: unknown; data?: T }; children: (data: T) => ReactNode }) {
  if (query.error) return <ErrorAlert error={query.error} />;
  if (query.isPending || query.data === undefined) {
    return (
      <Center p="lg">
        <Loader size="sm" />
      </Center>
    );
  }
  return <>{children(query.data)}</>;
}

const STATE_COLOR: Record<string, string> = {
  promoted: 'teal', ready: 'teal', finished: 'teal', succeeded: 'teal', pass: 'teal', ok: 'teal',
  progressing: 'blue', running: 'blue', promoting: 'blue', shadow: 'blue', canary: 'blue', queued: 'gray', pending: 'gray', wait: 'gray', skipped: 'gray',
  paused: 'yellow', 'awaiting promotion': 'yellow', 'in progress': 'blue',
  'rolled back': 'red', failed: 'red', fail: 'red', killed: 'red', 'gate failed': 'orange', 'training failed': 'red',
};

/** A state (of a deployment, a version, a run, a check) as a coloured badge. */
export function StateBadge({ value, prefix = '' }: { value: string; prefix?: string }) {
  const label = enumLabel(value, prefix);
  return (
    <Badge color={STATE_COLOR[label] ?? 'gray'} variant="light" data-state={label} style={{ flexShrink: 0, overflow: 'visible' }} miw="max-content">
      {label || '–'}
    </Badge>
  );
}

/** Next/previous over a list paged by tokens (the services' page_token). */
export function TokenPager({ tokens, next, onChange }: { tokens: string[]; next: string; onChange(tokens: string[]): void }) {
  return (
    <Group gap="xs" justify="flex-end" mt="xs">
      <Text size="xs" c="dimmed">page {tokens.length + 1}</Text>
      <Button size="xs" variant="default" disabled={tokens.length === 0} onClick={() => onChange(tokens.slice(0, -1))}>
        Newer
      </Button>
      <Button size="xs" variant="default" disabled={!next} onClick={() => onChange([...tokens, next])} data-testid="next-page">
        Older
      </Button>
    </Group>
  );
}

/** Numbered pages over a list read whole. */
export function NumberPager({ total, page, pageSize, onChange }: { total: number; page: number; pageSize: number; onChange(page: number): void }) {
  const pages = Math.max(1, Math.ceil(total / pageSize));
  return (
    <Group justify="space-between" mt="xs">
      <Text size="xs" c="dimmed">{total} in all</Text>
      {pages > 1 && <Pagination size="sm" total={pages} value={page} onChange={onChange} />}
    </Group>
  );
}

export function KeyValues({ values }: { values: Record<string, string | number> }) {
  const entries = Object.entries(values);
  if (entries.length === 0) return <Text size="sm" c="dimmed">none</Text>;
  return (
    <Group gap={6}>
      {entries.map(([k, v]) => (
        <Badge key={k} variant="outline" color="gray" tt="none">
          {k}: {typeof v === 'number' ? Number(v.toPrecision(4)) : v}
        </Badge>
      ))}
    </Group>
  );
}

export function Hash({ value }: { value: string }) {
  return <Code title={value}>{value ? value.slice(0, 12) : '–'}</Code>;
}

export function TextLink({ to, children }: { to: string; children: ReactNode }) {
  return (
    <Text component={Link} to={to} size="sm" c="blue" td="none">
      {children}
    </Text>
  );
}
