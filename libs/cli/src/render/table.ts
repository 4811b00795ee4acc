/**
 * Plain-text tables and key/value blocks for people. No colours and no box drawing: output that
 * pastes cleanly into an issue and greps well. Machine output is --json, never a parsed table.
 */

export interface Column {
  /** Header text (printed upper-case). */
  header: string;
  /** Numbers read best right-aligned. */
  align?: 'left' | 'right';
  /** Longest cell shown; longer ones are cut with an ellipsis. */
  maxWidth?: number;
  /** The column that gives up width first when the table is wider than `width`. */
  flex?: boolean;
}

export interface TableOptions {
  /** Total width available (e.g. the terminal's); only flex columns shrink to fit it. */
  width?: number;
  /** Printed instead of the header when there are no rows. */
  empty?: string;
}

const GAP = '  ';
const MIN_FLEX_WIDTH = 10;

/** Display width of a string: code points, not UTF-16 units (so "✓" counts once). */
export function displayWidth(text: string): number {
  let width = 0;
  for (const _ of text) width++;
  return width;
}

/** Cuts `text` to at most `width` code points, ending with "…" when it was cut. */
export function truncate(text: string, width: number): string {
  if (displayWidth(text) <= width) return text;
  if (width <= 1) return width === 1 ? '…' : '';
  return [...text].slice(0, width - 1).join('') + '…';
}

function pad(text: string, width: number, align: 'left' | 'right'): string {
  const fill = ' '.repeat(Math.max(0, width - displayWidth(text)));
  return align === 'right' ? fill + text : text + fill;
}

/** Cells are single lines: newlines and tabs would break the columns. */
function cellText(value: unknown): string {
  if (value === undefined || value === null) return '';
  return String(value).replace(/[\r\n\t]+/g, ' ');
}

function columnWidths(columns: Column[], cells: string[][], width?: number): number[] {
  const widths = columns.map((c, i) => {
    const natural = Math.max(displayWidth(c.header), ...cells.map((row) => displayWidth(row[i] ?? '')));
    return c.maxWidth ? Math.min(natural, Math.max(c.maxWidth, 1)) : natural;
  });
  if (width === undefined) return widths;
  const total = () => widths.reduce((a, b) => a + b, 0) + GAP.length * (widths.length - 1);
  for (let i = 0; i < columns.length && total() > width; i++) {
    if (!columns[i].flex) continue;
    widths[i] = Math.max(Math.min(MIN_FLEX_WIDTH, widths[i]), widths[i] - (total() - width));
  }
  return widths;
}

/** Renders rows under a header, columns separated by two spaces, no trailing blanks. */
export function renderTable(columns: Column[], rows: unknown[][], options: TableOptions = {}): string {
  if (rows.length === 0 && options.empty !== undefined) return options.empty;
  const cells = rows.map((row) => columns.map((_, i) => cellText(row[i])));
  const widths = columnWidths(columns, cells, options.width);
  const line = (values: string[]) =>
    values
      .map((value, i) => pad(truncate(value, widths[i]), widths[i], columns[i].align ?? 'left'))
      .join(GAP)
      .trimEnd();
  return [line(columns.map((c) => c.header.toUpperCase())), ...cells.map(line)].join('\n');
}

/** `key: value` lines with the values aligned; undefined values are left out, '' kept. */
export function renderKeyValues(pairs: [string, unknown][]): string {
  const shown = pairs.filter(([, value]) => value !== undefined);
  const width = Math.max(0, ...shown.map(([key]) => displayWidth(key) + 1));
  return shown.map(([key, value]) => `${pad(`${key}:`, width, 'left')} ${cellText(value)}`.trimEnd()).join('\n');
}
