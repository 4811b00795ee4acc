import { readFileSync, readdirSync } from 'node:fs';
import * as path from 'node:path';
import { SERVICE_TOPIC_ACCESS, TOPIC_ACCESS, topicsOf } from './topic-access';
import { ALL_TOPIC_NAMES, RawTopics, Topics } from './topics';

const SERVICES = path.resolve(__dirname, '../../../services');

/** Every non-test source file of a service. */
function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'web' ? [] : sources(full);
    return /\.ts$/.test(entry.name) && !/\.(spec|int-spec)\.ts$/.test(entry.name) ? [full] : [];
  });
}

/** The catalog topics a service's code names (Topics.x, RawTopics.x). */
function topicsNamedBy(service: string): Set<string> {
  const named = new Set<string>();
  for (const file of sources(path.join(SERVICES, service, 'src'))) {
    for (const [, raw, key] of readFileSync(file, 'utf8').matchAll(/\b(Raw)?Topics\.([a-zA-Z]+)\b/g)) {
      const topic = raw ? (RawTopics as Record<string, string>)[key] : (Topics as Record<string, { name: string }>)[key]?.name;
      if (topic) named.add(topic);
    }
  }
  return named;
}

describe('topic access', () => {
  it('lists only catalog topics', () => {
    for (const access of Object.values(TOPIC_ACCESS)) for (const topic of [...access.produces, ...access.consumes]) expect(ALL_TOPIC_NAMES).toContain(topic);
  });

  it('covers every topic each service names in its code (a new producer or handler needs its ACL)', () => {
    const missing: string[] = [];
    for (const service of Object.keys(SERVICE_TOPIC_ACCESS)) {
      const allowed = new Set(topicsOf(service));
      for (const topic of topicsNamedBy(service)) if (!allowed.has(topic)) missing.push(`${service}: ${topic}`);
    }
    expect(missing).toEqual([]);
  });

  it('gives each event topic exactly one producing service, and outside producers only outside topics', () => {
    const producers = new Map<string, string[]>();
    for (const [service, access] of Object.entries(SERVICE_TOPIC_ACCESS)) {
      for (const topic of access.produces) producers.set(topic, [...(producers.get(topic) ?? []), service]);
    }
    for (const topic of Object.values(Topics)) {
      if (topic.name === Topics.serviceStarted.name) continue;
      if (topic.acceptsJson && topic.name === Topics.feedbackReceived.name) continue; // labels come from outside only
      expect([topic.name, producers.get(topic.name)?.length ?? 0]).toEqual([topic.name, 1]);
    }
    expect(TOPIC_ACCESS['data-producer'].produces).toEqual([RawTopics.recordsReceived, Topics.feedbackReceived.name]);
  });
});
