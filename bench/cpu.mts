// CPU accounting from /proc (Linux): how busy the machine was over an interval and how many cores
// each group of processes used, so a benchmark can say where the time went (for example that two
// replicas cannot beat one because the machine was already busy with one).
import { cpus } from 'node:os';
import { accessSync, constants, mkdirSync, readFileSync, readdirSync, rmdirSync, writeFileSync } from 'node:fs';

/** Linux reports process times in USER_HZ ticks, 100 per second on every mainstream kernel. */
const TICKS_PER_SECOND = 100;

export type CpuSnapshot = { atMs: number; machineBusy: number; machineTotal: number; groups: Map<string, number> };
/** Names the group a process belongs to, or undefined for "other". */
export type Classify = (pid: number, comm: string) => string | undefined;

export function cpuSnapshot(classify: Classify): CpuSnapshot {
  const [, ...fields] = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/);
  const values = fields.map(Number);
  const idle = (values[3] ?? 0) + (values[4] ?? 0); // idle + iowait
  const total = values.slice(0, 8).reduce((a, b) => a + b, 0); // user … steal (guest time is inside user)
  const groups = new Map<string, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = procStat(entry);
    if (!stat) continue; // gone meanwhile
    // Children's times count too: a Postgres backend that exits is added to the postmaster's.
    const group = classify(Number(entry), stat.comm) ?? 'other';
    groups.set(group, (groups.get(group) ?? 0) + stat.ownTicks + stat.childTicks);
  }
  return { atMs: performance.now(), machineBusy: total - idle, machineTotal: total, groups };
}

/** A process's name and CPU ticks (its own, and its reaped children's); undefined once it is gone. */
function procStat(pid: number | string): { comm: string; ownTicks: number; childTicks: number } | undefined {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  // Fields after the name: state ppid … utime(14) stime(15) cutime(16) cstime(17), counted from 1 with pid.
  const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return { comm: stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')')), ownTicks: Number(rest[11]) + Number(rest[12]), childTicks: Number(rest[13]) + Number(rest[14]) };
}

/** A process's own CPU time so far (user + system, every thread), in seconds (0 once it is gone). */
export function processCpuSeconds(pid: number): number {
  return (procStat(pid)?.ownTicks ?? 0) / TICKS_PER_SECOND;
}

export type CpuUse = { seconds: number; machineCores: number; cores: Record<string, number> };

/** Cores used on average between two snapshots: the machine's, and each group's. */
export function cpuUse(before: CpuSnapshot, after: CpuSnapshot): CpuUse {
  const seconds = (after.atMs - before.atMs) / 1000;
  const machineCores = ((after.machineBusy - before.machineBusy) / Math.max(1, after.machineTotal - before.machineTotal)) * cpus().length;
  const cores: Record<string, number> = {};
  for (const [group, ticks] of after.groups) cores[group] = Math.max(0, ticks - (before.groups.get(group) ?? 0)) / TICKS_PER_SECOND / seconds;
  return { seconds, machineCores, cores };
}

export function describeCpu(use: CpuUse, order: string[]): string {
  const groups = [...order, ...Object.keys(use.cores).filter((g) => !order.includes(g)).sort()];
  return `machine ${use.machineCores.toFixed(2)} of ${cpus().length} cores busy; ${groups.map((g) => `${g} ${(use.cores[g] ?? 0).toFixed(2)}`).join(', ')}`;
}

const CPU_CGROUP = '/sys/fs/cgroup/cpu';

/**
 * Holds processes to a CPU budget the way Kubernetes enforces a container's CPU limit: a CFS
 * quota (cgroup v1 cpu controller, `cpu.cfs_quota_us` per `cpu.cfs_period_us`). Each process gets
 * a group of its own. Needs root and a writable /sys/fs/cgroup/cpu; `available()` says.
 */
export class CpuLimit {
  private readonly dirs: string[] = [];
  private readonly cores: number;

  constructor(cores: number) {
    this.cores = cores;
    if (!(cores > 0)) throw new Error(`a CPU limit must be a positive number of cores, got ${cores}`);
  }

  static available(): boolean {
    try {
      accessSync(`${CPU_CGROUP}/cgroup.procs`, constants.W_OK);
      return true;
    } catch {
      return false;
    }
  }

  /** Moves the process (every thread) into a group of its own limited to the cores given. */
  hold(pid: number): void {
    const dir = `${CPU_CGROUP}/mlops-bench-${process.pid}-${pid}`;
    mkdirSync(dir, { recursive: true });
    this.dirs.push(dir);
    const period = 100_000;
    writeFileSync(`${dir}/cpu.cfs_period_us`, String(period));
    writeFileSync(`${dir}/cpu.cfs_quota_us`, String(Math.round(this.cores * period)));
    writeFileSync(`${dir}/cgroup.procs`, String(pid));
  }

  /** Removes the groups; call after the processes have exited (a group with members cannot go). */
  release(): void {
    for (const dir of this.dirs.splice(0)) {
      try {
        rmdirSync(dir);
      } catch (error) {
        process.stderr.write(`[bench] could not remove ${dir}: ${(error as Error).message}\n`);
      }
    }
  }
}
