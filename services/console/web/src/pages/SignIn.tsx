import { Alert, Button, Card, Center, Code, Stack, Text, Textarea, Title } from '@mantine/core';
import { useState } from 'react';
import { useLocation, useNavigate } from 'react-router';
import { useSession } from '../api/session';

/** Sign in with a platform token (pasted; issued by `mlops auth token`). It is kept in this tab's session only. */
export function SignIn() {
  const { signIn, endedBecause } = useSession();
  const navigate = useNavigate();
  const state = (useLocation().state ?? {}) as { from?: string };
  const [token, setToken] = useState('');
  const [error, setError] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);

  const submit = async () => {
    setBusy(true);
    setError(undefined);
    try {
      await signIn(token);
      navigate(state.from && state.from !== '/signin' ? state.from : '/', { replace: true });
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Center mih="100vh" bg="gray.0">
      <Card withBorder shadow="sm" w={520} p="xl">
        <Stack>
          <Title order={3}>MLOps console</Title>
          <Text size="sm">
            Sign in with a platform token. Make one with <Code>scripts/mlops auth token --sub you --roles viewer</Code> (or use{' '}
            <Code>var/auth/tokens/admin.token</Code>). The console calls every service with it and holds no rights of its own; it is kept in this browser tab only.
          </Text>
          {endedBecause && !error && (
            <Alert color="yellow" data-testid="signin-reason">
              {endedBecause}
            </Alert>
          )}
          {error && (
            <Alert color="red" data-testid="signin-error">
              {error}
            </Alert>
          )}
          <Textarea label="Token" autosize minRows={3} value={token} onChange={(e) => setToken(e.currentTarget.value)} data-testid="token-input" spellCheck={false} autoComplete="off" />
          <Button onClick={submit} loading={busy} disabled={!token.trim()} data-testid="sign-in">
            Sign in
          </Button>
        </Stack>
      </Card>
    </Center>
  );
}
