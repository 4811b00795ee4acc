import { fetchEventSource } from '@microsoft/fetch-event-source';
import { type QueryClient, useQueryClient } from '@tanstack/react-query';
import { type ReactNode, createContext, useContext, useEffect, useState } from 'react';
import { SAGAS_SHOWN, mergeStep } from '../domain/sagas';
import { authHeaders, tokenStore } from './client';
import { useSession } from './session';
import type { LiveEvent, Saga } from './types';

export type LiveStatus = 'connecting' | 'live' | 'reconnecting';

const LiveContext = createContext<LiveStatus>('connecting');

/** Which cached reads an event makes stale (they are read again if a page shows them). */
function invalidate(client: QueryClient, event: LiveEvent): void {
  const model = event.modelName;
  const stale = (key: unknown[]) => void client.invalidateQueries({ queryKey: key });
  switch (event.kind) {
    case 'step': {
      const kind = event.step?.kind ?? '';
      if (kind.startsWith('deployment.')) {
        stale(['deployments']);
        stale(['deployment']);
      }
      if (kind.startsWith('training.')) {
        stale(['runs']);
        stale(['jobs']);
      }
      // An alert's outcome is its saga's: every step may change it.
      stale(['alerts']);
      stale(['models']);
      if (model) {
        stale(['model', model]);
        stale(['monitoring', model]);
      }
      return;
    }
    case 'alias':
      stale(['models']);
      if (model) stale(['model', model]);
      return;
    case 'dataset-version':
      stale(['datasets']);
      stale(['dataset']);
      return;
    case 'snapshot':
      stale(['feature-view']);
      return;
    case 'service-started':
      stale(['health']);
      return;
  }
}

/**
 * The live feed (GET /api/events, Server-Sent Events with the token in a header): saga steps go
 * straight into the Overview's sagas; every event marks the reads it changes as stale. On a
 * dropped connection it reconnects and resumes after the last event it had (Last-Event-ID).
 */
export function LiveProvider({ children }: { children: ReactNode }) {
  const client = useQueryClient();
  const { session, signOut } = useSession();
  const [status, setStatus] = useState<LiveStatus>('connecting');

  useEffect(() => {
    if (!session) return;
    const abort = new AbortController();
    void fetchEventSource('/api/events', {
      headers: authHeaders(tokenStore.get()),
      signal: abort.signal,
      openWhenHidden: true,
      async onopen(response) {
        if (response.status === 401) {
          signOut('the token was refused');
          throw new Error('unauthenticated');
        }
        if (!response.ok) throw new Error(`live feed: HTTP ${response.status}`);
        setStatus('live');
      },
      onmessage(message) {
        if (message.event === 'session-expired') return signOut('the token has expired: issue a new one (mlops auth token)');
        if (message.event !== 'platform') return;
        const event = JSON.parse(message.data) as LiveEvent;
        if (event.step) client.setQueryData<Saga[]>(['sagas'], (sagas) => (sagas ? mergeStep(sagas, event.correlationId, event.step!, SAGAS_SHOWN) : sagas));
        invalidate(client, event);
      },
      onclose() {
        // The server ended the stream (overflow, restart): reconnect.
        setStatus('reconnecting');
        throw new Error('closed');
      },
      onerror(error) {
        if ((error as Error).message === 'unauthenticated') throw error;
        setStatus('reconnecting');
        return 2000;
      },
    }).catch(() => undefined);
    return () => abort.abort();
  }, [session, client, signOut]);

  return <LiveContext.Provider value={status}>{children}</LiveContext.Provider>;
}

export function useLiveStatus(): LiveStatus {
  return useContext(LiveContext);
}
