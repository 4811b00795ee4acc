import { type ReactNode, createContext, useCallback, useContext, useEffect, useMemo, useState } from 'react';
import { useNavigate } from 'react-router';
import { ApiError, authHeaders, tokenStore, whenUnauthenticated } from './client';
import type { Action, Session } from './types';

interface SessionState {
  session: Session | null;
  /** Why the last session ended (expired, refused), shown on the sign-in page. */
  endedBecause?: string;
  /** Checks the token with the console and keeps it for this tab; rejects with the reason. */
  signIn(token: string): Promise<void>;
  signOut(reason?: string): void;
  can(action: Action): boolean;
}

const SessionContext = createContext<SessionState | null>(null);

export async function fetchSession(token: string): Promise<Session> {
  const response = await fetch('/api/session', { headers: authHeaders(token) });
  const json = await response.json().catch(() => ({}));
  if (!response.ok) throw new ApiError(response.status, json.code ?? 'UNAUTHENTICATED', json.message ?? 'the token was refused');
  return json as Session;
}

/** Who is signed in (from the token in session storage), and the sign-in and sign-out that go with it. */
export function SessionProvider({ children }: { children: ReactNode }) {
  const navigate = useNavigate();
  const [session, setSession] = useState<Session | null>(null);
  const [checked, setChecked] = useState(false);
  const [endedBecause, setEndedBecause] = useState<string | undefined>();

  const signOut = useCallback(
    (reason?: string) => {
      tokenStore.clear();
      setEndedBecause(reason);
      setSession(null);
      navigate('/signin', { replace: true, state: { from: window.location.pathname + window.location.search } });
    },
    [navigate],
  );

  const signIn = useCallback(async (token: string) => {
    const s = await fetchSession(token.trim());
    tokenStore.set(token.trim());
    setEndedBecause(undefined);
    setSession(s);
  }, []);

  // A token kept from earlier in this tab: check it again (it may have expired meanwhile).
  useEffect(() => {
    const token = tokenStore.get();
    const done = () => setChecked(true);
    if (!token) return done();
    fetchSession(token)
      .then(setSession)
      .catch((error: Error) => signOut(error.message))
      .finally(done);
  }, [signOut]);

  // Any API call refused for the token: ask why (expired, ...) and go back to sign-in with it.
  useEffect(() => {
    whenUnauthenticated(() => {
      const token = tokenStore.get();
      if (!token) return signOut('sign in to continue');
      fetchSession(token)
        .then(() => undefined)
        .catch((error: Error) => signOut(error.message));
    });
  }, [signOut]);

  // The token's own expiry ends the session.
  useEffect(() => {
    if (!session || !session.expiresAtMs) return;
    const timer = setTimeout(() => signOut('the token has expired: issue a new one (mlops auth token)'), Math.min(Math.max(0, session.expiresAtMs - Date.now()), 2 ** 31 - 1));
    return () => clearTimeout(timer);
  }, [session, signOut]);

  const value = useMemo<SessionState>(() => ({ session, endedBecause, signIn, signOut, can: (action) => Boolean(session?.can[action]) }), [session, endedBecause, signIn, signOut]);
  if (!checked) return null;
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): SessionState {
  const state = useContext(SessionContext);
  if (!state) throw new Error('useSession outside SessionProvider');
  return state;
}
