// Grafana dashboards (deploy/grafana/dashboards/*.json) and the alert rules: the JSON has what
// Grafana needs, every query uses the templated Prometheus data source, and every metric and
// label a query names exists (checkExpression against the inventory).
import fs from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import { checkExpression } from './promql.mjs';

const DS_UID = '${DS_PROMETHEUS}';
const PANEL_TYPES = new Set(['row', 'timeseries', 'stat', 'table', 'state-timeline', 'gauge', 'bargauge', 'barchart', 'heatmap', 'text', 'piechart', 'logs', 'histogram', 'status-history']);
const BUILTIN_VARIABLES = new Set(['__rate_interval', '__interval', '__interval_ms', '__range', '__range_s', '__range_ms', '__from', '__to', '__dashboard', '__name', '__org', '__user']);

const legendLabels = (format) => [...(format ?? '').matchAll(/\{\{\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*\}\}/g)].map((m) => m[1]);

function* panelsOf(panels) {
  for (const panel of panels ?? []) {
    yield panel;
    if (panel.type === 'row') yield* panelsOf(panel.panels);
  }
}

function checkDashboard(file, board, known, problems, uids) {
  const say = (what) => problems.push(`${file}: ${what}`);
  for (const [field, type] of [['uid', 'string'], ['title', 'string'], ['schemaVersion', 'number'], ['panels', 'object'], ['templating', 'object'], ['time', 'object'], ['tags', 'object']]) {
    if (typeof board[field] !== type || board[field] === null) say(`top-level "${field}" must be a ${type === 'object' ? 'list/object' : type}`);
  }
  if (typeof board.uid === 'string') {
    if (!/^[a-zA-Z0-9_-]{1,40}$/.test(board.uid)) say(`uid "${board.uid}" must be 1-40 letters, digits, - or _`);
    if (uids.has(board.uid)) say(`uid "${board.uid}" is also the uid of ${uids.get(board.uid)}`);
    uids.set(board.uid, file);
  }
  if (!Array.isArray(board.panels) || board.panels.length === 0) say('has no panels');
  if (board.id !== undefined && board.id !== null) say('must not carry an "id" (Grafana assigns it; provisioning clashes otherwise)');
  const variables = board.templating?.list ?? [];
  const ds = variables.find((v) => v.name === 'DS_PROMETHEUS');
  if (!ds || ds.type !== 'datasource' || ds.query !== 'prometheus') say('needs the templating variable DS_PROMETHEUS of type "datasource" with query "prometheus"');
  const defined = new Set([...variables.map((v) => v.name), ...BUILTIN_VARIABLES]);
  const checkQuery = (where, expr, legend) => {
    if (typeof expr !== 'string' || expr.trim() === '') return say(`${where}: no expr`);
    for (const v of [...expr.matchAll(/\$\{?([a-zA-Z_][a-zA-Z0-9_]*)/g)].map((m) => m[1])) {
      if (!defined.has(v)) say(`${where}: uses $${v}, which is no variable of the dashboard`);
    }
    for (const problem of checkExpression(expr, known, { legendLabels: legendLabels(legend) })) say(`${where}: ${problem}`);
  };
  for (const v of variables.filter((v) => v.type === 'query')) {
    if (v.datasource?.uid !== DS_UID) say(`variable ${v.name}: datasource must be ${DS_UID}`);
    const query = typeof v.query === 'string' ? v.query : v.query?.query;
    const m = /^label_values\((.+),\s*([a-zA-Z_][a-zA-Z0-9_]*)\)$/.exec(query ?? '');
    if (!m) say(`variable ${v.name}: query must be label_values(<selector>, <label>), got ${JSON.stringify(query)}`);
    else checkQuery(`variable ${v.name}`, m[1], `{{${m[2]}}}`);
  }
  for (const a of board.annotations?.list ?? []) {
    if (a.builtIn) continue;
    if (a.datasource?.uid !== DS_UID) say(`annotation ${a.name}: datasource must be ${DS_UID}`);
    checkQuery(`annotation ${a.name}`, a.expr, `${a.titleFormat ?? ''} ${a.textFormat ?? ''} ${(a.tagKeys ?? '').split(',').filter(Boolean).map((k) => `{{${k.trim()}}}`).join(' ')}`);
  }
  const ids = new Set();
  for (const panel of panelsOf(board.panels)) {
    const where = `panel ${panel.id} "${panel.title}"`;
    if (!Number.isInteger(panel.id) || ids.has(panel.id)) say(`${where}: id must be a unique integer`);
    ids.add(panel.id);
    if (!PANEL_TYPES.has(panel.type)) say(`${where}: unknown panel type "${panel.type}"`);
    if (typeof panel.title !== 'string' || !panel.title) say(`${where}: no title`);
    const g = panel.gridPos;
    if (!g || ![g.h, g.w, g.x, g.y].every(Number.isInteger) || g.w < 1 || g.h < 1 || g.x < 0 || g.x + g.w > 24) say(`${where}: gridPos must be integers h, w, x, y within 24 columns`);
    if (panel.type === 'row' || panel.type === 'text') continue;
    if (panel.datasource?.uid !== DS_UID) say(`${where}: datasource must be {"type": "prometheus", "uid": "${DS_UID}"}`);
    if (!Array.isArray(panel.targets) || panel.targets.length === 0) say(`${where}: no targets`);
    const refIds = new Set();
    for (const target of panel.targets ?? []) {
      if (!target.refId || refIds.has(target.refId)) say(`${where}: targets need unique refIds`);
      refIds.add(target.refId);
      if (target.datasource && target.datasource.uid !== DS_UID) say(`${where} ${target.refId}: datasource must be ${DS_UID}`);
      checkQuery(`${where} ${target.refId}`, target.expr, target.legendFormat);
    }
  }
}

/** Every dashboard JSON; the provisioning files point where docker-compose.yml mounts them. */
export function checkDashboards(root, known) {
  const problems = [];
  const dir = path.join(root, 'deploy/grafana/dashboards');
  const files = fs.readdirSync(dir).filter((f) => f.endsWith('.json')).sort();
  if (files.length === 0) problems.push(`${dir}: no dashboards`);
  const uids = new Map();
  for (const name of files) {
    const file = path.relative(root, path.join(dir, name));
    let board;
    try {
      board = JSON.parse(fs.readFileSync(path.join(dir, name), 'utf8'));
    } catch (error) {
      problems.push(`${file}: not JSON: ${error.message}`);
      continue;
    }
    checkDashboard(file, board, known, problems, uids);
  }
  const provisioning = path.join(root, 'deploy/grafana/provisioning');
  const datasources = YAML.parse(fs.readFileSync(path.join(provisioning, 'datasources.yml'), 'utf8'));
  if (!datasources?.datasources?.some((d) => d.type === 'prometheus' && d.isDefault)) problems.push('deploy/grafana/provisioning/datasources.yml: needs a default Prometheus data source');
  const dashboards = YAML.parse(fs.readFileSync(path.join(provisioning, 'dashboards.yml'), 'utf8'));
  const providerPaths = (dashboards?.providers ?? []).map((p) => p.options?.path);
  const compose = YAML.parse(fs.readFileSync(path.join(root, 'docker-compose.yml'), 'utf8'), { merge: true });
  const mounts = compose.services?.grafana?.volumes ?? [];
  if (compose.services?.grafana) {
    for (const p of providerPaths) {
      if (!mounts.some((m) => m.startsWith('./deploy/grafana/dashboards:') && m.split(':')[1] === p)) problems.push(`docker-compose.yml: grafana does not mount deploy/grafana/dashboards at ${p} (dashboards.yml's path)`);
    }
  }
  return { problems, count: files.length };
}

/** The alert and recording rules of alerts.yml: metric names, matcher labels, $labels in annotations. */
export function checkRules(root, known) {
  const problems = [];
  const file = 'deploy/prometheus/alerts.yml';
  const rules = YAML.parse(fs.readFileSync(path.join(root, file), 'utf8')).groups.flatMap((g) => g.rules);
  for (const rule of rules) {
    const name = rule.alert ?? rule.record;
    const templates = Object.values(rule.annotations ?? {}).join(' ') + ' ' + Object.values(rule.labels ?? {}).join(' ');
    const labelRefs = [...templates.matchAll(/\$labels\.([a-zA-Z_][a-zA-Z0-9_]*)/g)].map((m) => `{{${m[1]}}}`).join(' ');
    for (const problem of checkExpression(rule.expr, known, { legendLabels: legendLabels(labelRefs) })) problems.push(`${file} ${name}: ${problem}`);
  }
  return { problems, count: rules.length };
}

export function recordedNames(root) {
  return YAML.parse(fs.readFileSync(path.join(root, 'deploy/prometheus/alerts.yml'), 'utf8'))
    .groups.flatMap((g) => g.rules)
    .filter((r) => r.record)
    .map((r) => r.record);
}
