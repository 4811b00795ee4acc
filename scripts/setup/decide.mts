// What the set-up does about Java, Maven and PostgreSQL, decided from what the probes found.
// Pure: no I/O, so every branch is unit-tested (decide.spec.mts); probe.mts finds the facts and
// apply.mts carries the plan out.

/** What answered (or not) at a PostgreSQL address. */
export type PgAnswer = 'ready' | 'refused' | 'none';

export interface EmbeddedState {
  /** The embedded server's data directory holds a cluster (an earlier set-up chose it). */
  initialised: boolean;
  /** Its postmaster is alive. */
  running: boolean;
  /** The port it runs on or last ran on, if known. */
  port: number | null;
}

export interface Probe {
  /** Major version of the `java` that scripts/kafka.sh runs (JAVA_HOME or PATH); null when none. */
  javaVersion: number | null;
  /** `mvn` is on PATH. */
  mvn: boolean;
  /** The server the platform would use: the caller's DATABASE_URL, else 127.0.0.1:5432. */
  pg: { address: string; answer: PgAnswer; detail?: string; namedByCaller: boolean };
  /** Debian clusters already installed (`/etc/postgresql/<version>/main`), as versions. */
  pgClusters: string[];
  /** The Debian package that `postgresql` stands for (postgresql-15 on bookworm); null when apt has none. */
  pgInstallable: string | null;
  /** Debian packages among JAVA_PACKAGES and maven that apt could install. */
  aptInstallable: string[];
  embedded: EmbeddedState;
  /** A port on 127.0.0.1 free for a new embedded server. */
  freePort: number;
  aptAvailable: boolean;
  root: boolean;
}

export type Action =
  | { kind: 'apt-install'; packages: string[] }
  | { kind: 'pg-allow-local'; version: string }
  | { kind: 'pg-start-cluster'; version: string }
  | { kind: 'embedded-start'; port: number }
  | { kind: 'embedded-retire' };

export interface Plan {
  /** One line per component: what was found and what will be done about it. */
  notes: string[];
  /** In order. */
  actions: Action[];
  /** Why the set-up cannot go on; empty when it can. */
  problems: string[];
}

/** Kafka 4 needs Java 17 or later; the first of these that Debian offers is installed. */
export const JAVA_MIN = 17;
export const JAVA_PACKAGES = ['openjdk-17-jdk-headless', 'openjdk-21-jdk-headless', 'default-jdk-headless'] as const;
export const MAVEN_PACKAGE = 'maven';
export const DEFAULT_PG_ADDRESS = '127.0.0.1:5432';

export function planToolchain(probe: Probe): Plan {
  const plan: Plan = { notes: [], actions: [], problems: [] };
  const apt: string[] = [];
  const canApt = probe.aptAvailable && probe.root;
  const cannotApt = !probe.aptAvailable ? 'apt-get is not available' : 'the set-up does not run as root';

  if (probe.javaVersion !== null && probe.javaVersion >= JAVA_MIN) {
    plan.notes.push(`Java: ${probe.javaVersion} found`);
  } else {
    const found = probe.javaVersion === null ? 'none found' : `${probe.javaVersion} found, ${JAVA_MIN} or later needed`;
    const pkg = JAVA_PACKAGES.find((p) => probe.aptInstallable.includes(p));
    if (canApt && pkg) {
      apt.push(pkg);
      plan.notes.push(`Java: ${found}; installing ${pkg} from Debian`);
    } else {
      const why = canApt ? 'Debian offers none of ' + JAVA_PACKAGES.join(', ') : cannotApt;
      plan.problems.push(`Java: ${found} and it cannot be installed (${why}): install Java ${JAVA_MIN}+ or set JAVA_HOME to one`);
    }
  }

  if (probe.mvn) {
    plan.notes.push('Maven: found');
  } else if (canApt && probe.aptInstallable.includes(MAVEN_PACKAGE)) {
    apt.push(MAVEN_PACKAGE);
    plan.notes.push(`Maven: none found; installing ${MAVEN_PACKAGE} from Debian`);
  } else {
    const why = canApt ? `Debian offers no ${MAVEN_PACKAGE} package` : cannotApt;
    plan.problems.push(`Maven: none found and it cannot be installed (${why}): install Maven (mvn on PATH)`);
  }

  const pgActions = planPostgres(probe, canApt, cannotApt, plan, apt);
  if (apt.length > 0) plan.actions.push({ kind: 'apt-install', packages: apt });
  plan.actions.push(...pgActions);
  return plan;
}

function planPostgres(probe: Probe, canApt: boolean, cannotApt: string, plan: Plan, apt: string[]): Action[] {
  const { address, answer, detail, namedByCaller } = probe.pg;
  const embeddedKnown = probe.embedded.initialised || probe.embedded.running;
  if (namedByCaller) {
    if (answer === 'ready') plan.notes.push(`PostgreSQL: using the server at ${address} (DATABASE_URL)`);
    else plan.problems.push(`PostgreSQL: DATABASE_URL names ${address}, which ${answerWords(answer, detail)}: start that server, or unset DATABASE_URL to let the set-up provide one`);
    return [];
  }
  if (answer === 'ready') {
    plan.notes.push(`PostgreSQL: using the server at ${address}`);
    return embeddedKnown ? [{ kind: 'embedded-retire' }] : [];
  }
  if (answer === 'refused') {
    plan.problems.push(`PostgreSQL: a server listens at ${address} but ${answerWords(answer, detail)}: let user postgres connect from 127.0.0.1 without a password (trust in pg_hba.conf), or set DATABASE_URL`);
    return [];
  }
  // Nothing answers. A server chosen before stays chosen, so data is not left behind in another.
  if (embeddedKnown) {
    const port = probe.embedded.port ?? probe.freePort;
    plan.notes.push(probe.embedded.running
      ? `PostgreSQL: the embedded server is running on :${port}`
      : `PostgreSQL: nothing answers at ${address}; starting the embedded server again on :${port}`);
    return [{ kind: 'embedded-start', port }];
  }
  const installed = newestVersion(probe.pgClusters);
  if (installed) {
    plan.notes.push(`PostgreSQL: nothing answers at ${address}; starting the installed cluster ${installed}/main`);
    return [{ kind: 'pg-start-cluster', version: installed }];
  }
  if (canApt && probe.pgInstallable) {
    const version = probe.pgInstallable.replace(/^postgresql-/, '');
    apt.push(probe.pgInstallable);
    plan.notes.push(`PostgreSQL: nothing answers at ${address}; installing ${probe.pgInstallable} from Debian`);
    return [{ kind: 'pg-allow-local', version }, { kind: 'pg-start-cluster', version }];
  }
  const why = canApt ? 'Debian offers no postgresql package' : cannotApt;
  plan.notes.push(`PostgreSQL: nothing answers at ${address} and none can be installed (${why}); starting an embedded server on :${probe.freePort}`);
  return [{ kind: 'embedded-start', port: probe.freePort }];
}

function answerWords(answer: PgAnswer, detail: string | undefined): string {
  const words = answer === 'none' ? 'does not answer' : 'refuses the connection';
  return detail ? `${words} (${detail})` : words;
}

/** The newest of Debian's cluster versions ("9.6" < "15"); null for none. */
export function newestVersion(versions: string[]): string | null {
  const sorted = [...versions].sort((a, b) => parseFloat(a) - parseFloat(b));
  return sorted.at(-1) ?? null;
}
