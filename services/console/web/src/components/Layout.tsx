import { AppShell, Badge, Button, Center, Group, Loader, NavLink, Text, Title } from '@mantine/core';
import { Suspense } from 'react';
import { NavLink as RouterLink, Outlet, useLocation } from 'react-router';
import { useLiveStatus } from '../api/live';
import { useSession } from '../api/session';

const PAGES = [
  { to: '/', label: 'Overview', exact: true },
  { to: '/models', label: 'Models' },
  { to: '/runs', label: 'Runs' },
  { to: '/deployments', label: 'Deployments' },
  { to: '/monitoring', label: 'Monitoring' },
  { to: '/data', label: 'Data' },
  { to: '/audit', label: 'Audit' },
];

const LIVE_COLOR = { live: 'teal', connecting: 'gray', reconnecting: 'orange' } as const;

/** The frame of every page: navigation, who is signed in, whether live updates flow. */
export function Layout() {
  const { session, signOut } = useSession();
  const live = useLiveStatus();
  const { pathname } = useLocation();
  return (
    <AppShell header={{ height: 52 }} navbar={{ width: 190, breakpoint: 0 }} padding="md">
      <AppShell.Header>
        <Group h="100%" px="md" justify="space-between">
          <Group gap="xs">
            <Title order={4}>MLOps console</Title>
            <Badge data-testid="live-status" data-status={live} color={LIVE_COLOR[live]} variant="light">
              {live === 'live' ? 'live' : live}
            </Badge>
          </Group>
          <Group gap="xs">
            <Text size="sm" data-testid="signed-in-as">
              {session?.subject} <Text span c="dimmed">({session?.roles.join(', ')})</Text>
            </Text>
            <Button size="xs" variant="default" onClick={() => signOut('signed out')}>
              Sign out
            </Button>
          </Group>
        </Group>
      </AppShell.Header>
      <AppShell.Navbar p="xs">
        {PAGES.map((p) => (
          <NavLink key={p.to} component={RouterLink} to={p.to} label={p.label} active={p.exact ? pathname === p.to : pathname.startsWith(p.to)} />
        ))}
      </AppShell.Navbar>
      <AppShell.Main>
        <Suspense fallback={<Center p="lg"><Loader size="sm" /></Center>}>
          <Outlet />
        </Suspense>
      </AppShell.Main>
    </AppShell>
  );
}
