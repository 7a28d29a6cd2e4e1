/**
 * The laid-out drawing of a chart, computed once per chart object by ELK in a Web Worker (the
 * worker script is bundled by Vite next to the page, so nothing is fetched from elsewhere), with
 * label widths measured on a canvas in the page's own font.
 * @module
 */
/// <reference types="vite/client" />
import ELK from 'elkjs/lib/elk-api.js';
import elkWorkerUrl from 'elkjs/lib/elk-worker.min.js?url';
import { useEffect, useState } from 'react';
import { compactChart } from '../diagram/compactChart.js';
import type { Chart } from '../diagram/model.js';
import { approximateMeasure, FONT_SIZE, layoutChart, type ChartDrawing, type MeasureText } from './chartLayout.js';

/** The font stack of the drawing; style.css uses the same (system fonts only). */
export const CHART_FONT = 'system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", sans-serif';

let elk: InstanceType<typeof ELK> | undefined;
const drawings = new WeakMap<Chart, Promise<ChartDrawing>>();

const canvasMeasure = (): MeasureText => {
  const context = document.createElement('canvas').getContext('2d');
  if (!context) return approximateMeasure;
  return (text, font) => {
    context.font = `${FONT_SIZE[font]}px ${CHART_FONT}`;
    return Math.ceil(context.measureText(text).width) + 2;
  };
};

const compactCharts = new WeakMap<Chart, Chart>();

/**
 * The compact view of `chart` (`compactChart.ts`), computed once per chart so that toggling
 * compact / full reuses both layouts; `chart` itself when it has no shared fan-out.
 */
export function compactOf(chart: Chart): Chart {
  let compact = compactCharts.get(chart);
  if (!compact) {
    compact = compactChart(chart);
    compactCharts.set(chart, compact);
  }
  return compact;
}

/** The drawing of `chart` (shared across calls). */
export function drawingOf(chart: Chart): Promise<ChartDrawing> {
  let drawing = drawings.get(chart);
  if (!drawing) {
    elk ??= new ELK({ workerUrl: elkWorkerUrl });
    drawing = layoutChart(elk, chart, canvasMeasure());
    drawings.set(chart, drawing);
  }
  return drawing;
}

/** React hook: the drawing once laid out, the layout error if it failed, else nulls while it runs. */
export function useChartDrawing(chart: Chart | undefined): { drawing: ChartDrawing | null; error: string | null } {
  const [result, setResult] = useState<{ chart: Chart; drawing: ChartDrawing | null; error: string | null } | null>(null);
  useEffect(() => {
    if (!chart) return;
    let current = true;
    drawingOf(chart).then(
      (drawing) => current && setResult({ chart, drawing, error: null }),
      (error: unknown) => current && setResult({ chart, drawing: null, error: error instanceof Error ? error.message : String(error) }),
    );
    return () => {
      current = false;
    };
  }, [chart]);
  if (!chart || !result || result.chart !== chart) return { drawing: null, error: null };
  return { drawing: result.drawing, error: result.error };
}
