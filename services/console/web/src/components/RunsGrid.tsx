import { Box, Text, UnstyledButton } from '@mantine/core';
import { useVirtualizer } from '@tanstack/react-virtual';
import { useMemo, useRef, useState } from 'react';
import { Link } from 'react-router';
import type { Run } from '../api/types';
import { type ColumnDiff, cellDiffers, cellText } from '../domain/compare';
import { formatNumber } from '../domain/format';

const ROW = 28;
const COL = 128;
const NAME_COL = 180;

/**
 * Runs as rows and params/metrics as columns, both virtualized (a thousand runs by fifty
 * metrics draws only what is on screen). Cells that differ from their column's most common
 * value are marked; a click on a header sorts by it.
 */
export function RunsGrid({ runs, columns, height = 420 }: { runs: Run[]; columns: ColumnDiff[]; height?: number }) {
  const parent = useRef<HTMLDivElement>(null);
  const [sort, setSort] = useState<{ column: number; descending: boolean } | null>(null);
  const rows = useMemo(() => {
    if (!sort) return runs;
    const c = columns[sort.column];
    if (!c) return runs;
    const value = (r: Run) => (c.kind === 'metric' ? (r.metrics[c.key] ?? Number.NEGATIVE_INFINITY) : (r.params[c.key] ?? ''));
    return [...runs].sort((a, b) => {
      const [x, y] = [value(a), value(b)];
      const order = typeof x === 'number' && typeof y === 'number' ? x - y : String(x).localeCompare(String(y), undefined, { numeric: true });
      return sort.descending ? -order : order;
    });
  }, [runs, columns, sort]);
  // Metric cells are shaded by where the value falls in its column (darker = higher); param
  // cells that differ from the column's most common value are marked.
  const ranges = useMemo(() => columns.map((c) => {
    if (c.kind !== 'metric') return undefined;
    const values = runs.map((r) => r.metrics[c.key]).filter((v): v is number => v !== undefined);
    return { min: Math.min(...values), max: Math.max(...values) };
  }), [runs, columns]);
  const rowV = useVirtualizer({ count: rows.length, getScrollElement: () => parent.current, estimateSize: () => ROW, overscan: 10 });
  const colV = useVirtualizer({ horizontal: true, count: columns.length, getScrollElement: () => parent.current, estimateSize: () => COL, overscan: 4 });
  const width = NAME_COL + colV.getTotalSize();

  return (
    <Box ref={parent} style={{ height, overflow: 'auto', border: '1px solid var(--mantine-color-gray-3)', borderRadius: 6, position: 'relative' }} data-testid="runs-grid" data-rows={rows.length} data-columns={columns.length}>
      <div style={{ width, height: rowV.getTotalSize() + ROW, position: 'relative' }}>
        <div style={{ position: 'sticky', top: 0, zIndex: 2, height: ROW, background: 'var(--mantine-color-gray-0)', width }}>
          <div style={{ position: 'absolute', left: 0, width: NAME_COL, height: ROW, padding: '4px 6px', fontWeight: 600, fontSize: 12, background: 'var(--mantine-color-gray-0)' }}>run ({rows.length})</div>
          {colV.getVirtualItems().map((c) => {
            const column = columns[c.index];
            return (
              <UnstyledButton
                key={c.key}
                onClick={() => setSort({ column: c.index, descending: sort?.column === c.index ? !sort.descending : column.kind === 'metric' })}
                style={{ position: 'absolute', left: NAME_COL + c.start, width: COL, height: ROW, padding: '4px 6px', fontSize: 12, fontWeight: 600, overflow: 'hidden', whiteSpace: 'nowrap', textOverflow: 'ellipsis', color: column.differs ? 'var(--mantine-color-orange-8)' : undefined }}
                title={`${column.kind} ${column.key}${column.differs ? ` — ${column.distinct} distinct values` : ' — the same in every run'}`}
                data-testid="grid-header"
                data-differs={column.differs}
              >
                {column.kind === 'param' ? 'p.' : 'm.'}{column.key}{sort?.column === c.index ? (sort.descending ? ' ↓' : ' ↑') : ''}
              </UnstyledButton>
            );
          })}
        </div>
        {rowV.getVirtualItems().map((r) => {
          const run = rows[r.index];
          return (
            <div key={r.key} style={{ position: 'absolute', top: ROW + r.start, height: ROW, width, background: r.index % 2 ? 'var(--mantine-color-gray-0)' : undefined }} data-testid="grid-row">
              <Text component={Link} to={`/runs/${run.runId}`} size="xs" style={{ position: 'absolute', left: 0, width: NAME_COL, padding: '5px 6px', overflow: 'hidden', whiteSpace: 'nowrap', textOverflow: 'ellipsis' }} c="blue">
                {run.runName || run.runId.slice(0, 8)}
              </Text>
              {colV.getVirtualItems().map((c) => {
                const column = columns[c.index];
                const differs = cellDiffers(run, column);
                const text = cellText(run, column);
                const range = ranges[c.index];
                const shade = range && text !== '' && range.max > range.min ? (Number(text) - range.min) / (range.max - range.min) : undefined;
                const background = shade !== undefined ? `rgba(80, 163, 186, ${(0.08 + 0.42 * shade).toFixed(2)})` : differs ? 'var(--mantine-color-orange-0)' : undefined;
                return (
                  <div key={c.key} style={{ position: 'absolute', left: NAME_COL + c.start, width: COL, height: ROW, padding: '5px 6px', fontSize: 12, overflow: 'hidden', whiteSpace: 'nowrap', textOverflow: 'ellipsis', background }} data-differs={differs}>
                    {column.kind === 'metric' && text !== '' ? formatNumber(Number(text)) : text || '–'}
                  </div>
                );
              })}
            </div>
          );
        })}
      </div>
    </Box>
  );
}
