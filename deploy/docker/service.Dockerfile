# syntax=docker/dockerfile:1
#
# One image recipe for the six platform services and the console; the build arg SERVICE picks
# which one.
# Build from the repository root (the build context must be the repo, see /.dockerignore):
#
#   docker build -f deploy/docker/service.Dockerfile --build-arg SERVICE=serving -t mlops/serving .
#
# SERVICE       ingestion | feature-store | training | registry | serving | monitoring | console
# HTTP_PORT     optional: the HTTP port the HEALTHCHECK probes when <PREFIX>_HTTP_PORT is not set
#               at run time (default: the service's default port below). It does not change the
#               port the service listens on: that is <PREFIX>_HTTP_PORT, e.g. SERVING_HTTP_PORT.
#
# Ports (defaults; change with <PREFIX>_GRPC_PORT / <PREFIX>_HTTP_PORT, see
# libs/nest-platform/src/platform-config.ts). A generic Dockerfile cannot EXPOSE per service, so
# publish them in compose / `docker run -p`:
#
#   service        gRPC    HTTP (/health/live, /health/ready, /metrics)
#   ingestion      50051   8081
#   feature-store  50052   8082
#   training       50053   8083
#   registry       50054   8084
#   serving        50055   8085
#   monitoring     50056   8086
#   console        50057   8087 (also the web app and its JSON API under /api)
#
# The image contains only the service's production dependencies, the compiled dist/ of the
# service and of the @mlops/* libs it depends on (node_modules/@mlops/<lib> are npm workspace
# symlinks to libs/<lib>), and proto/ (loaded at run time, relative to libs/contracts/dist).
# For the console, its dist/ includes the web app (dist/web, built by Vite in the build stage:
# React, Vite and the rest of the web app's toolchain are devDependencies, so none of them is in
# the runtime stage).
# It also holds the operator CLI (libs/cli/dist, with its libs and dependencies): compose's
# auth-init runs `node libs/cli/dist/main.js auth init` (and `auth token`) from this image.

ARG NODE_IMAGE=node:24.21.0-bookworm-slim

# ---------------------------------------------------------------------------------------------
# manifests: only the workspace package.json files, so that `npm ci` below stays cached until a
# manifest or the lock file changes (source edits do not invalidate the dependency layers).
FROM ${NODE_IMAGE} AS manifests
WORKDIR /app
COPY libs libs
COPY services services
RUN find libs services -mindepth 2 -maxdepth 2 ! -name package.json -exec rm -rf {} +

# ---------------------------------------------------------------------------------------------
# build: full install (dev dependencies included), compile the service, the CLI and the libs
# they use.
FROM ${NODE_IMAGE} AS build
WORKDIR /app
ENV NX_DAEMON=false \
    NX_NO_CLOUD=true
COPY package.json package-lock.json .npmrc ./
COPY --from=manifests /app/ ./
RUN --mount=type=cache,target=/root/.npm,sharing=locked \
    npm ci --no-audit --no-fund --loglevel=error

COPY tsconfig.base.json nx.json jest.preset.js ./
COPY proto proto
COPY libs libs
COPY services services

ARG SERVICE
RUN case "$SERVICE" in \
      ingestion|feature-store|training|registry|serving|monitoring|console) ;; \
      *) echo "build arg SERVICE must be one of: ingestion feature-store training registry serving monitoring console (got '$SERVICE')" >&2; exit 1 ;; \
    esac \
 && npx nx run-many -t build --projects="@mlops/$SERVICE,@mlops/cli" --outputStyle=static

# Lay out what the runtime stage needs, for this service and the CLI only:
#   /out/manifests  package.json of the service, of @mlops/cli and of every @mlops/* workspace
#                   they depend on (transitively, production dependencies only: not
#                   @mlops/testing)
#   /out/app        the same workspaces' package.json + dist/ (the console's dist/web with it)
RUN node <<'EOF'
const fs = require('node:fs');
const path = require('node:path');
const dirs = {};
for (const root of ['libs', 'services']) {
  for (const name of fs.readdirSync(root)) {
    const manifest = path.join(root, name, 'package.json');
    if (fs.existsSync(manifest)) dirs[JSON.parse(fs.readFileSync(manifest, 'utf8')).name] = path.join(root, name);
  }
}
const keep = new Set();
const visit = (pkgName) => {
  if (keep.has(pkgName)) return;
  keep.add(pkgName);
  const pkg = JSON.parse(fs.readFileSync(path.join(dirs[pkgName], 'package.json'), 'utf8'));
  for (const dep of Object.keys(pkg.dependencies ?? {})) if (dirs[dep]) visit(dep);
};
visit(`@mlops/${process.env.SERVICE}`);
visit('@mlops/cli');
for (const pkgName of keep) {
  const dir = dirs[pkgName];
  for (const out of ['/out/manifests', '/out/app']) {
    fs.mkdirSync(path.join(out, dir), { recursive: true });
    fs.copyFileSync(path.join(dir, 'package.json'), path.join(out, dir, 'package.json'));
  }
  if (!fs.existsSync(path.join(dir, 'dist'))) throw new Error(`${pkgName}: ${dir}/dist was not built`);
  fs.cpSync(path.join(dir, 'dist'), path.join('/out/app', dir, 'dist'), { recursive: true });
  // The CLI reads its published JSON Schema (libs/cli/schema) beside dist/ at run time.
  if (fs.existsSync(path.join(dir, 'schema'))) fs.cpSync(path.join(dir, 'schema'), path.join('/out/app', dir, 'schema'), { recursive: true });
}
console.log(`runtime workspaces for ${process.env.SERVICE} and the CLI: ${[...keep].map((n) => dirs[n]).join(' ')}`);
EOF

# ---------------------------------------------------------------------------------------------
# runtime: production dependencies + compiled code, non-root.
FROM ${NODE_IMAGE} AS runtime
ARG SERVICE
ARG HTTP_PORT=
ENV NODE_ENV=production \
    SERVICE=${SERVICE} \
    HTTP_PORT=${HTTP_PORT} \
    BIND_HOST=0.0.0.0
WORKDIR /app

# npm links node_modules/@mlops/<lib> -> ../../libs/<lib> for the workspaces present; the ones
# left out (other services, @mlops/testing) are skipped, and so are their dependencies. The CLI's
# dependencies (gRPC, kafkajs) are the services' too.
# --ignore-scripts: no production dependency needs an install script (protobufjs' postinstall
# only prints a version hint).
COPY package.json package-lock.json .npmrc ./
COPY --from=build /out/manifests/ ./
RUN --mount=type=cache,target=/root/.npm,sharing=locked \
    npm ci --omit=dev --workspace "@mlops/$SERVICE" --workspace @mlops/cli --include-workspace-root=false \
      --ignore-scripts --no-audit --no-fund --loglevel=error \
 && test -f "node_modules/@mlops/$SERVICE/package.json" \
 && test -f node_modules/@mlops/cli/package.json

COPY --from=build /out/app/ ./
COPY proto proto

USER node

# Probes the port the service really listens on: <PREFIX>_HTTP_PORT, else HTTP_PORT, else the
# service's default (the table above).
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 \
  CMD node -e 'const s = process.env.SERVICE; const defaults = { ingestion: 8081, "feature-store": 8082, training: 8083, registry: 8084, serving: 8085, monitoring: 8086, console: 8087 }; const port = process.env[s.toUpperCase().replace(/-/g, "_") + "_HTTP_PORT"] || process.env.HTTP_PORT || defaults[s]; fetch(`http://127.0.0.1:${port}/health/live`, { signal: AbortSignal.timeout(4000) }).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1));'

# exec: node is PID 1 and gets SIGTERM itself (the services stop gracefully, up to 30 s).
CMD ["sh", "-c", "exec node \"services/$SERVICE/dist/main.js\""]
