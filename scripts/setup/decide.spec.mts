import { newestVersion, planToolchain, type Probe } from './decide.mts';

/** A Debian machine as root with everything present and the server on 127.0.0.1:5432 answering. */
function machine(overrides: Partial<Probe> = {}): Probe {
  return {
    javaVersion: 17,
    mvn: true,
    pg: { address: '127.0.0.1:5432', answer: 'ready', namedByCaller: false },
    pgClusters: [],
    pgInstallable: 'postgresql-15',
    aptInstallable: ['openjdk-17-jdk-headless', 'maven'],
    embedded: { initialised: false, running: false, port: null },
    freePort: 54329,
    aptAvailable: true,
    root: true,
    ...overrides,
  };
}
const nothingAnswers = { address: '127.0.0.1:5432', answer: 'none' as const, namedByCaller: false };

describe('planToolchain', () => {
  it('uses a server that answers and does nothing else', () => {
    const plan = planToolchain(machine());
    expect(plan).toEqual({
      notes: ['Java: 17 found', 'Maven: found', 'PostgreSQL: using the server at 127.0.0.1:5432'],
      actions: [],
      problems: [],
    });
  });

  it('installs postgresql from Debian when nothing answers, lets postgres in from 127.0.0.1, and starts the cluster', () => {
    const plan = planToolchain(machine({ pg: nothingAnswers }));
    expect(plan.actions).toEqual([
      { kind: 'apt-install', packages: ['postgresql-15'] },
      { kind: 'pg-allow-local', version: '15' },
      { kind: 'pg-start-cluster', version: '15' },
    ]);
    expect(plan.notes).toContain('PostgreSQL: nothing answers at 127.0.0.1:5432; installing postgresql-15 from Debian');
    expect(plan.problems).toEqual([]);
  });

  it('starts an installed cluster that is not running instead of installing one', () => {
    const plan = planToolchain(machine({ pg: nothingAnswers, pgClusters: ['9.6', '15', '13'] }));
    expect(plan.actions).toEqual([{ kind: 'pg-start-cluster', version: '15' }]);
  });

  it.each([
    ['not root', { root: false }, 'the set-up does not run as root'],
    ['no apt-get', { aptAvailable: false }, 'apt-get is not available'],
    ['Debian has no postgresql', { pgInstallable: null }, 'Debian offers no postgresql package'],
  ])('starts the embedded server on the free port when nothing answers and %s', (_name, overrides, why) => {
    const plan = planToolchain(machine({ pg: nothingAnswers, freePort: 54331, ...overrides }));
    expect(plan.actions).toEqual([{ kind: 'embedded-start', port: 54331 }]);
    expect(plan.notes).toContain(`PostgreSQL: nothing answers at 127.0.0.1:5432 and none can be installed (${why}); starting an embedded server on :54331`);
  });

  it('keeps the embedded server chosen earlier, on its own port, even where apt could now install one', () => {
    const plan = planToolchain(machine({ pg: nothingAnswers, embedded: { initialised: true, running: false, port: 54330 } }));
    expect(plan.actions).toEqual([{ kind: 'embedded-start', port: 54330 }]);
  });

  it('retires the embedded server once a server answers on 127.0.0.1:5432', () => {
    const plan = planToolchain(machine({ embedded: { initialised: true, running: true, port: 54329 } }));
    expect(plan.actions).toEqual([{ kind: 'embedded-retire' }]);
    expect(plan.notes).toContain('PostgreSQL: using the server at 127.0.0.1:5432');
  });

  it('uses the server the caller named, and installs nothing when it does not answer', () => {
    const named = { address: 'db.internal:6432', namedByCaller: true };
    expect(planToolchain(machine({ pg: { ...named, answer: 'ready' } })).notes).toContain('PostgreSQL: using the server at db.internal:6432 (DATABASE_URL)');
    const down = planToolchain(machine({ pg: { ...named, answer: 'none' } }));
    expect(down.actions).toEqual([]);
    expect(down.problems).toEqual(['PostgreSQL: DATABASE_URL names db.internal:6432, which does not answer: start that server, or unset DATABASE_URL to let the set-up provide one']);
  });

  it('stops on a server that listens but refuses user postgres, naming the reason', () => {
    const plan = planToolchain(machine({ pg: { ...nothingAnswers, answer: 'refused', detail: 'password authentication failed for user "postgres"' } }));
    expect(plan.actions).toEqual([]);
    expect(plan.problems[0]).toMatch(/^PostgreSQL: a server listens at 127\.0\.0\.1:5432 but refuses the connection \(password authentication failed for user "postgres"\)/);
  });

  it.each([[null, 'none found'], [11, '11 found, 17 or later needed']])('installs openjdk-17-jdk-headless when Java is %s', (javaVersion, found) => {
    const plan = planToolchain(machine({ javaVersion }));
    expect(plan.actions).toEqual([{ kind: 'apt-install', packages: ['openjdk-17-jdk-headless'] }]);
    expect(plan.notes[0]).toBe(`Java: ${found}; installing openjdk-17-jdk-headless from Debian`);
  });

  it('falls back to a newer JDK where Debian has no openjdk-17', () => {
    const plan = planToolchain(machine({ javaVersion: null, aptInstallable: ['openjdk-21-jdk-headless', 'maven'] }));
    expect(plan.actions).toEqual([{ kind: 'apt-install', packages: ['openjdk-21-jdk-headless'] }]);
  });

  it('installs maven when mvn is missing, in one apt call with Java and PostgreSQL', () => {
    const plan = planToolchain(machine({ javaVersion: 8, mvn: false, pg: nothingAnswers }));
    expect(plan.actions[0]).toEqual({ kind: 'apt-install', packages: ['openjdk-17-jdk-headless', 'maven', 'postgresql-15'] });
    expect(plan.notes[1]).toBe('Maven: none found; installing maven from Debian');
  });

  it('names what cannot be installed without root, and still plans the embedded server', () => {
    const plan = planToolchain(machine({ javaVersion: null, mvn: false, root: false, pg: nothingAnswers }));
    expect(plan.problems).toEqual([
      'Java: none found and it cannot be installed (the set-up does not run as root): install Java 17+ or set JAVA_HOME to one',
      'Maven: none found and it cannot be installed (the set-up does not run as root): install Maven (mvn on PATH)',
    ]);
    expect(plan.actions).toEqual([{ kind: 'embedded-start', port: 54329 }]);
  });
});

describe('newestVersion', () => {
  it('compares versions as numbers', () => {
    expect(newestVersion(['9.6', '15', '13'])).toBe('15');
    expect(newestVersion([])).toBeNull();
  });
});
