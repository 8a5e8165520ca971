import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

/** Options of {@link lineChart}. */
export interface LineChartOptions {
  readonly title: string;
  readonly xLabel: string;
  readonly yLabel: string;
  /** One line per name. */
  readonly series: readonly string[];
  /** Logarithmic y axis (gradient norms span many orders of magnitude). */
  readonly logY?: boolean;
  readonly width?: number;
  readonly height?: number;
}

/** A line chart that is redrawn with new data. */
export interface LineChart {
  /** x values and one array of y values per series (same lengths). */
  setData(x: readonly number[], ys: readonly (readonly number[])[]): void;
  /** Points drawn so far (the e2e test reads it through `data-points`). */
  readonly points: number;
}

const COLORS = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd'];

/** A uPlot line chart appended to `parent`. */
export function lineChart(parent: HTMLElement, options: LineChartOptions): LineChart {
  const holder = document.createElement('div');
  holder.className = 'chart';
  holder.dataset['points'] = '0';
  parent.append(holder);
  const plot = new uPlot(
    {
      title: options.title,
      width: options.width ?? 560,
      height: options.height ?? 260,
      scales: { x: { time: false }, ...(options.logY === true ? { y: { distr: 3 } } : {}) },
      axes: [
        { label: options.xLabel },
        // uPlot's default tick labels round tiny values to 0: a log axis needs exponents.
        { label: options.yLabel, size: 70, ...(options.logY === true ? { values: (_: uPlot, ticks: (number | null)[]) => ticks.map((v) => (v === null ? '' : v === 0 ? '0' : v.toExponential(0))) } : {}) },
      ],
      series: [{ label: options.xLabel }, ...options.series.map((label, i) => ({ label, stroke: COLORS[i % COLORS.length], width: 2 }))],
    },
    [[], ...options.series.map(() => [])],
    holder,
  );
  let points = 0;
  return {
    setData(x, ys) {
      plot.setData([x as number[], ...ys.map((y) => y as number[])]);
      points = x.length;
      holder.dataset['points'] = String(points);
    },
    get points() {
      return points;
    },
  };
}
