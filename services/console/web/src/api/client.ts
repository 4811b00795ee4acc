/**
 * Calls to the console's JSON API with the signed-in person's token (kept in this browser
 * tab's session storage only: never in a URL, a cookie or a log). A refusal arrives as the
 * owning service gave it (code and message), e.g. PERMISSION_DENIED "viewer may not ...".
 */

const TOKEN_KEY = 'mlops-console-token';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    /** The gRPC status name of the refusal (PERMISSION_DENIED, NOT_FOUND, ...). */
    readonly code: string,
    message: string,
    /** The service that refused, when one did. */
    readonly service?: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export const tokenStore = {
  get: (): string | null => sessionStorage.getItem(TOKEN_KEY),
  set: (token: string) => sessionStorage.setItem(TOKEN_KEY, token),
  clear: () => sessionStorage.removeItem(TOKEN_KEY),
};

/** Told when the API refuses the token (expired, revoked keys): the app signs out and says why. */
let onUnauthenticated: (message: string) => void = () => undefined;
export function whenUnauthenticated(handler: (message: string) => void): void {
  onUnauthenticated = handler;
}

export function authHeaders(token = tokenStore.get()): Record<string, string> {
  return token ? { authorization: `Bearer ${token}` } : {};
}

async function request<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
  const response = await fetch(path, {
    method,
    headers: { ...authHeaders(), accept: 'application/json', ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = (await response.json().catch(() => ({}))) as { code?: string; message?: string; service?: string } & T;
  if (response.status === 401 && path !== '/api/session') onUnauthenticated(json.message ?? 'the token was refused');
  if (!response.ok) throw new ApiError(response.status, json.code ?? `HTTP_${response.status}`, json.message ?? response.statusText, json.service);
  return json;
}

export const api = {
  get: <T>(path: string, query: Record<string, string | number | boolean | undefined> = {}) => request<T>('GET', withQuery(path, query)),
  post: <T>(path: string, body: unknown = {}) => request<T>('POST', path, body),
};

export function withQuery(path: string, query: Record<string, string | number | boolean | undefined>): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) if (value !== undefined && value !== '') params.set(key, String(value));
  const text = params.toString();
  return text ? `${path}?${text}` : path;
}

/** A path segment, escaped (names may hold any character). */
export const seg = (value: string | number) => encodeURIComponent(String(value));
