import type { EChartsCoreOption, EChartsType } from 'echarts/core';
import { useEffect, useRef, type ReactNode } from 'react';

/** An ECharts chart; the library loads on first use. */
export function EChart(props: { readonly option: EChartsCoreOption; readonly label: string }): ReactNode {
  const el = useRef<HTMLDivElement>(null);
  const chart = useRef<EChartsType | null>(null);
  const { option } = props;
  useEffect(() => {
    let live = true;
    // On the next frame, so that a changed input's numbers show before the chart redraws.
    const frame = requestAnimationFrame(() => {
      void import('./echarts-setup.js').then(({ init }) => {
        if (!live || el.current === null) return;
        chart.current ??= init(el.current);
        chart.current.setOption({ animation: false, ...option }, { notMerge: true });
      });
    });
    return () => {
      live = false;
      cancelAnimationFrame(frame);
    };
  }, [option]);
  useEffect(() => {
    const onResize = (): void => {
      chart.current?.resize();
    };
    window.addEventListener('resize', onResize);
    return () => {
      window.removeEventListener('resize', onResize);
      chart.current?.dispose();
      chart.current = null;
    };
  }, []);
  return <div className="chart" ref={el} role="img" aria-label={props.label} />;
}
