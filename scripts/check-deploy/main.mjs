// The offline part of scripts/check-deploy.sh (promtool runs before it):
//   node scripts/check-deploy/main.mjs
// Exits 1 with every problem listed, 0 when the dashboards, the rules' metric names and the
// Kubernetes manifests hold.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import YAML from 'yaml';
import { composeAuthProblems } from './compose-auth.mjs';
import { checkDashboards, checkRules, recordedNames } from './dashboards.mjs';
import { schemaProblems, unknownFieldProblems } from './k8s-validate.mjs';
import { render, sameObjects } from './kustomize.mjs';
import { metricInventory } from './metrics-inventory.mjs';
import { platformProblems, serviceDefinitions, tokenHolderProblems, tokenHolders } from './platform-checks.mjs';
import { composeServiceProblems, dockerfileProblems, overlayImageProblems, scrapeTargetProblems } from './wiring.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
let failed = 0;
const report = (what, problems, detail) => {
  if (problems.length === 0) return console.log(`  ok    ${what}${detail ? ` (${detail})` : ''}`);
  failed += problems.length;
  console.log(`  FAIL  ${what}`);
  for (const p of problems) console.log(`        - ${p}`);
};

// --- metrics: dashboards and rules name only what the code exports ---------------------------
const known = await metricInventory(root, recordedNames(root));
const rules = checkRules(root, known);
report('alert rules name existing metrics and labels', rules.problems, `${rules.count} rules`);
const boards = checkDashboards(root, known);
report('Grafana dashboards: structure, data source, metrics and labels', boards.problems, `${boards.count} dashboards`);

// --- the services, from services/*/src/service.definition.ts -----------------------------------
// What a definition does not say: the console calls all six services (libs/client's clients, on
// the same <NAME>_GRPC_URL keys), always with the bearer token of the person using it; it holds
// no token of its own (no MLOPS_AUTH_TOKEN_FILE, no <name>.token mounted, none from auth init).
const holders = tokenHolders(root);
const services = serviceDefinitions(root, { console: { calls: holders, ownToken: false } });
const names = services.map((s) => s.name).join(', ');
report('the services that call with their own token are those `mlops auth init` issues tokens to', tokenHolderProblems(services, holders), holders.join(', '));
report('deploy/docker/service.Dockerfile builds and probes every service', dockerfileProblems(root, services), names);

// --- compose and Prometheus: the tokens and keys that auth-init and scripts/platform.sh write ---
report('docker-compose.yml and the scrape configs: auth-init, keys and tokens mounted and used', composeAuthProblems(root, services));
report('docker-compose.yml: every service built, published on loopback, with its upstreams and start order', composeServiceProblems(root, services));
report("both scrape configs scrape every service's /metrics", scrapeTargetProblems(root, services));

// --- Kubernetes: render base and overlays, validate every object ------------------------------
const k8s = path.join(root, 'deploy/k8s');
const overlays = fs.existsSync(path.join(k8s, 'overlays')) ? fs.readdirSync(path.join(k8s, 'overlays')).map((o) => `overlays/${o}`) : [];
const renderings = [];
for (const name of ['base', ...overlays]) {
  try {
    renderings.push([name, render(path.join(k8s, name))]);
    report(`kustomize ${name}: rendered offline`, [], `${renderings.at(-1)[1].length} objects`);
    if (name !== 'base' && renderings[0][0] === 'base') report(`${name}: renames the image of every Deployment or none`, overlayImageProblems(k8s, name, renderings[0][1]));
  } catch (error) {
    report(`kustomize ${name}: rendered offline`, [error.message]);
  }
}

// The real kustomize, when there is one: the offline rendering must be the same objects.
const kubectl = (() => {
  try {
    const version = execFileSync('kubectl', ['version', '--client', '-o', 'json'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    return JSON.parse(version).kustomizeVersion ? 'kubectl' : null;
  } catch {
    return null;
  }
})();
for (const [name, objects] of renderings) {
  if (!kubectl) {
    console.log(`  skip  kubectl kustomize ${name} (no kubectl with kustomize on PATH)`);
    continue;
  }
  try {
    const output = execFileSync(kubectl, ['kustomize', path.join(k8s, name)], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    const theirs = YAML.parseAllDocuments(output).map((d) => d.toJS()).filter(Boolean);
    report(`kubectl kustomize ${name} renders the same objects`, sameObjects(objects, theirs));
  } catch (error) {
    report(`kubectl kustomize ${name} renders the same objects`, [`kubectl kustomize failed: ${(error.stderr || error.message).trim()}`]);
  }
}

for (const [name, objects] of renderings) {
  report(`${name}: every object matches the Kubernetes OpenAPI schema`, (await schemaProblems(objects)));
}
report('no unknown fields (strict, as the API server validates)', unknownFieldProblems(root, renderings));
for (const [name, objects] of renderings) {
  report(`${name}: the ${services.length} services with their ports, probes, env and volumes`, platformProblems(objects, services));
}

if (failed > 0) {
  console.log(`\ncheck-deploy: ${failed} problem(s)`);
  process.exit(1);
}
