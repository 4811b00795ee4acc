// The metric names and label names that really exist: every prom-client metric created in
// services/*/src and libs/*/src (read from the source, `new Counter({ name, labelNames })`),
// prom-client's default process/Node.js metrics, Prometheus' own series, and the recording rules.
import fs from 'node:fs';
import path from 'node:path';
import { Registry, collectDefaultMetrics } from 'prom-client';

/** Labels every platform series carries: the service's default label and the scrape target's. */
export const TARGET_LABELS = ['service', 'job', 'instance'];

function sourceFiles(dir) {
  const out = [];
  if (!fs.existsSync(dir)) return out;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== 'gen' && entry.name !== 'node_modules') out.push(...sourceFiles(full));
    } else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.spec.ts') && !entry.name.endsWith('.d.ts')) {
      out.push(full);
    }
  }
  return out;
}

/** The object literal that starts at `open` (a "{"), by brace depth; strings are skipped. */
function objectLiteral(text, open) {
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    const c = text[i];
    if (c === "'" || c === '"' || c === '`') {
      const end = text.indexOf(c, i + 1);
      i = end < 0 ? text.length : end;
    } else if (c === '{') depth++;
    else if (c === '}' && --depth === 0) return text.slice(open, i + 1);
  }
  return text.slice(open);
}

function series(name, type, labels) {
  if (type === 'Histogram') {
    return [
      [`${name}_bucket`, labels && [...labels, 'le']],
      [`${name}_sum`, labels],
      [`${name}_count`, labels],
    ];
  }
  if (type === 'Summary') return [[name, labels && [...labels, 'quantile']], [`${name}_sum`, labels], [`${name}_count`, labels]];
  return [[name, labels]];
}

/** Map of series name → allowed label names (null: any label). */
export async function metricInventory(root, recordedNames = []) {
  const known = new Map();
  const files = ['services', 'libs'].flatMap((top) =>
    fs.existsSync(path.join(root, top)) ? fs.readdirSync(path.join(root, top)).flatMap((p) => sourceFiles(path.join(root, top, p, 'src'))) : [],
  );
  for (const file of files) {
    const text = fs.readFileSync(file, 'utf8');
    for (const m of text.matchAll(/new\s+(Counter|Gauge|Histogram|Summary)\s*(?:<[^>]*>)?\s*\(\s*\{/g)) {
      const literal = objectLiteral(text, m.index + m[0].length - 1);
      const name = /\bname:\s*['"]([a-zA-Z_:][a-zA-Z0-9_:]*)['"]/.exec(literal)?.[1];
      if (!name) continue;
      const labelList = /\blabelNames:\s*\[([^\]]*)\]/.exec(literal)?.[1] ?? '';
      const labels = [...labelList.matchAll(/['"]([a-zA-Z_][a-zA-Z0-9_]*)['"]/g)].map((l) => l[1]);
      for (const [s, l] of series(name, m[1], [...labels, ...TARGET_LABELS])) known.set(s, l);
    }
  }
  const defaults = new Registry();
  collectDefaultMetrics({ register: defaults });
  for (const metric of await defaults.getMetricsAsJSON()) {
    const type = { histogram: 'Histogram', summary: 'Summary' }[metric.type] ?? 'Gauge';
    for (const [s] of series(metric.name, type, null)) known.set(s, null);
  }
  for (const builtin of ['up', 'scrape_duration_seconds', 'scrape_samples_scraped', 'ALERTS', 'ALERTS_FOR_STATE']) known.set(builtin, null);
  for (const name of recordedNames) known.set(name, null);
  return known;
}
