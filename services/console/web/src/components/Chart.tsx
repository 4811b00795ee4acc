import ReactEChartsCore from 'echarts-for-react/lib/core';
import type { EChartsOption } from 'echarts';
import { echarts } from '../charts/echarts';

interface ChartProps {
  option: EChartsOption;
  height?: number;
  /** data-testid of the chart's box (tests and benchmarks find charts by it). */
  testId?: string;
  /** Called once the chart has drawn its data. */
  onRendered?: () => void;
}

/** An ECharts chart (canvas): no animation, so what is drawn is the data, at once. */
export function Chart({ option, height = 280, testId, onRendered }: ChartProps) {
  return (
    <div data-testid={testId} data-chart="echarts">
      <ReactEChartsCore
        echarts={echarts}
        option={{ animation: false, ...option }}
        notMerge
        lazyUpdate
        style={{ height, width: '100%' }}
        onEvents={onRendered ? { finished: onRendered } : undefined}
      />
    </div>
  );
}
