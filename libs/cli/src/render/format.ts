/** Small formatters shared by the tables, the timeline and the progress bar. */

const two = (n: number) => String(n).padStart(2, '0');
const three = (n: number) => String(n).padStart(3, '0');

export interface TimeOptions {
  /** Print UTC instead of the local time zone (stable output for tests and logs). */
  utc?: boolean;
}

/** `HH:MM:SS.mmm` of an epoch-millisecond time. */
export function formatClock(ms: number, { utc = false }: TimeOptions = {}): string {
  const d = new Date(ms);
  const [h, m, s, milli] = utc
    ? [d.getUTCHours(), d.getUTCMinutes(), d.getUTCSeconds(), d.getUTCMilliseconds()]
    : [d.getHours(), d.getMinutes(), d.getSeconds(), d.getMilliseconds()];
  return `${two(h)}:${two(m)}:${two(s)}.${three(milli)}`;
}

/** `YYYY-MM-DD HH:MM:SS` of an epoch-millisecond time; '' for 0 (proto's "unset"). */
export function formatDateTime(ms: number | undefined, { utc = false }: TimeOptions = {}): string {
  if (!ms) return '';
  const d = new Date(ms);
  const parts = utc
    ? [d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate(), d.getUTCHours(), d.getUTCMinutes(), d.getUTCSeconds()]
    : [d.getFullYear(), d.getMonth() + 1, d.getDate(), d.getHours(), d.getMinutes(), d.getSeconds()];
  const [y, mo, day, h, mi, s] = parts;
  return `${y}-${two(mo)}-${two(day)} ${two(h)}:${two(mi)}:${two(s)}`;
}

/** A duration for people: `850ms`, `12.3s`, `4m05s`, `2h07m`. */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms)) return '';
  const sign = ms < 0 ? '-' : '';
  const abs = Math.abs(ms);
  if (abs < 1000) return `${sign}${Math.round(abs)}ms`;
  if (abs < 60_000) return `${sign}${(Math.floor(abs / 100) / 10).toFixed(1)}s`;
  const totalSeconds = Math.floor(abs / 1000);
  if (abs < 3_600_000) return `${sign}${Math.floor(totalSeconds / 60)}m${two(totalSeconds % 60)}s`;
  const totalMinutes = Math.floor(totalSeconds / 60);
  return `${sign}${Math.floor(totalMinutes / 60)}h${two(totalMinutes % 60)}m`;
}

/** A metric or statistic: 4 significant digits, no exponent for everyday magnitudes. */
export function formatNumber(value: number | undefined): string {
  if (value === undefined || value === null) return '';
  if (!Number.isFinite(value)) return String(value);
  if (Number.isInteger(value)) return String(value);
  const abs = Math.abs(value);
  if (abs >= 1e6 || abs < 1e-4) return value.toExponential(3);
  return String(Number(value.toPrecision(4)));
}

/** A share in [0, 1] as a percentage: `37.5%`. */
export function formatPercent(share: number | undefined): string {
  if (share === undefined || share === null || !Number.isFinite(share)) return '';
  return `${Number((share * 100).toFixed(1))}%`;
}

/** `a=1, b=2` of a map, keys sorted; at most `limit` entries, then `…`. */
export function formatMap(map: Record<string, unknown> | undefined, limit = Infinity): string {
  const entries = Object.entries(map ?? {}).sort(([a], [b]) => a.localeCompare(b));
  const shown = entries.slice(0, limit).map(([k, v]) => `${k}=${typeof v === 'number' ? formatNumber(v) : String(v)}`);
  return shown.join(', ') + (entries.length > limit ? ', …' : '');
}

/** Drops a proto enum's type prefix: `DEPLOYMENT_STATE_ROLLED_BACK` → `rolled_back`. */
export function enumLabel(value: string | undefined, prefix: string): string {
  if (!value) return '';
  const bare = value.startsWith(prefix) ? value.slice(prefix.length) : value;
  return bare.toLowerCase();
}

/** The first `n` characters of an id or hash. */
export const shortId = (id: string | undefined, n = 8): string => (id ?? '').slice(0, n);
