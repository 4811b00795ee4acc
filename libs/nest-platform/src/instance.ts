import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';

/** Identity of this process, fresh at every start. */
export const INSTANCE = { id: randomUUID(), host: hostname(), startedAtMs: Date.now() };
