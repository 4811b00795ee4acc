/** A Server-Sent Events client for tests: reads the stream as a browser's EventSource would, with a bearer token. */

export interface SseEvent {
  event: string;
  id?: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  data: any;
}

export interface Stream {
  events: SseEvent[];
  ended: boolean;
  /** The first event (already received or still to come) that matches. */
  next(match: (event: SseEvent) => boolean, timeoutMs?: number): Promise<SseEvent>;
  close(): void;
}

export async function openStream(url: string, token: string, options: { lastEventId?: string } = {}): Promise<Stream> {
  const abort = new AbortController();
  const response = await fetch(url, { headers: { authorization: `Bearer ${token}`, accept: 'text/event-stream', ...(options.lastEventId ? { 'last-event-id': options.lastEventId } : {}) }, signal: abort.signal });
  if (response.status !== 200 || !response.body) throw new Error(`stream refused: HTTP ${response.status} ${await response.text()}`);
  const stream: Stream & { waiters: { match: (e: SseEvent) => boolean; resolve: (e: SseEvent) => void }[] } = {
    events: [],
    ended: false,
    waiters: [],
    next(match, timeoutMs = 30_000) {
      const seen = this.events.find(match);
      if (seen) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no matching event in ${timeoutMs} ms; got ${this.events.map((e) => e.event).join(', ')}`)), timeoutMs);
        this.waiters.push({ match, resolve: (e) => (clearTimeout(timer), resolve(e)) });
      });
    },
    close() {
      abort.abort();
    },
  };
  const dispatch = (frame: string) => {
    const event: SseEvent = { event: 'message', data: undefined };
    const data: string[] = [];
    for (const line of frame.split('\n')) {
      if (line.startsWith(':') || !line) continue;
      const [field, ...rest] = line.split(':');
      const value = rest.join(':').replace(/^ /, '');
      if (field === 'event') event.event = value;
      else if (field === 'id') event.id = value;
      else if (field === 'data') data.push(value);
    }
    if (data.length === 0) return;
    event.data = JSON.parse(data.join('\n'));
    stream.events.push(event);
    for (const waiter of stream.waiters.filter((w) => w.match(event))) {
      stream.waiters.splice(stream.waiters.indexOf(waiter), 1);
      waiter.resolve(event);
    }
  };
  void (async () => {
    const decoder = new TextDecoder();
    let buffer = '';
    try {
      for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
        buffer += decoder.decode(chunk, { stream: true });
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          dispatch(buffer.slice(0, end));
          buffer = buffer.slice(end + 2);
        }
      }
    } catch {
      // aborted
    }
    stream.ended = true;
  })();
  return stream;
}
