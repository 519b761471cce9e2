/**
 * A uPlot chart as a React component: it fills its container's width (a
 * ResizeObserver follows the container, so a phone gets a phone-wide chart)
 * and is made again when its options or data change. The canvas cannot be
 * read by assistive technology, so the chart is an image with a label; the
 * figures themselves are in the tables beside it.
 */
import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

export type ChartOptions = Omit<uPlot.Options, 'width' | 'height'>;

interface Props {
  readonly options: ChartOptions;
  readonly data: uPlot.AlignedData;
  readonly height: number;
  readonly label: string;
  readonly testId?: string;
}

export function UPlotChart({ options, data, height, label, testId }: Props) {
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const element = box.current;
    if (!element) return;
    const width = () => Math.max(1, Math.floor(element.clientWidth));
    const chart = new uPlot({ ...options, width: width(), height }, data, element);
    const observer = new ResizeObserver(() => {
      if (chart.width !== width()) chart.setSize({ width: width(), height });
    });
    observer.observe(element);
    return () => {
      observer.disconnect();
      chart.destroy();
    };
  }, [options, data, height]);
  return <div ref={box} className="chart" role="img" aria-label={label} data-testid={testId} />;
}
