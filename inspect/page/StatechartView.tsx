/**
 * Draws a laid-out chart ({@link layoutChart}) as SVG: compound states as nested boxes with their
 * name at the top, atomic states as rounded boxes, transitions as arrows with their events, and the
 * active configuration highlighted (active ancestors tinted, active leaves filled). Only classes
 * change when the state moves; the geometry is computed once per chart.
 * @module
 */
import { memo, useEffect, useRef, useState, type PointerEvent } from 'react';
import type { ActiveStates } from './activeStates.js';
import { FONT_SIZE, type ChartDrawing, type TransitionEdge } from './chartLayout.js';

/** Props of {@link StatechartView}. */
export interface StatechartViewProps {
  drawing: ChartDrawing;
  /** The highlighted configuration; none for a chart the session's value does not belong to. */
  active?: ActiveStates;
}

/** The part of the drawing in view (an SVG viewBox). */
interface View {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** How far "zoom to active" zooms: the active state's parent fills this much of the view. */
const FOCUS_MARGIN = 60;

const pathOf = (edge: TransitionEdge) =>
  edge.points.map((point, index) => `${index === 0 ? 'M' : 'L'}${point.x.toFixed(1)},${point.y.toFixed(1)}`).join(' ');

/** See the module comment. */
export const StatechartView = memo(function StatechartView({ drawing, active }: StatechartViewProps) {
  const whole: View = { x: 0, y: 0, width: drawing.width, height: drawing.height };
  const [view, setView] = useState<View>(whole);
  const svg = useRef<SVGSVGElement>(null);
  const drag = useRef<{ x: number; y: number; view: View } | null>(null);
  const leaves = active?.leaves ?? new Set<string>();
  const all = active?.all ?? new Set<string>();
  const states = [...drawing.states].sort((a, b) => a.depth - b.depth);
  const leafText = [...leaves].join(', ');
  // A choice entered from the active state passes the highlight on: its branches are where that state may land.
  const hotChoices = new Set(drawing.edges.filter((edge) => !edge.initial && leaves.has(edge.source)).map((edge) => edge.target));
  const choiceRefs = new Set(drawing.states.filter((state) => state.kind === 'choice').map((state) => state.ref));
  for (const ref of hotChoices) if (!choiceRefs.has(ref)) hotChoices.delete(ref);

  // A new chart starts fitted.
  useEffect(() => setView({ x: 0, y: 0, width: drawing.width, height: drawing.height }), [drawing]);

  // Wheel zoom around the pointer; React's wheel listener is passive, so register it directly.
  useEffect(() => {
    const element = svg.current;
    if (!element) return;
    const onWheel = (event: WheelEvent) => {
      event.preventDefault();
      const box = element.getBoundingClientRect();
      setView((current) => {
        const factor = Math.exp(event.deltaY * 0.0015);
        const scale = Math.max(current.width / box.width, current.height / box.height);
        // Point under the pointer in drawing coordinates (the view is centred when aspect ratios differ).
        const px = current.x + (current.width - box.width * scale) / 2 + (event.clientX - box.left) * scale;
        const py = current.y + (current.height - box.height * scale) / 2 + (event.clientY - box.top) * scale;
        const width = Math.min(drawing.width * 4, Math.max(80, current.width * factor));
        const height = (width / current.width) * current.height;
        return { x: px - (px - current.x) * (width / current.width), y: py - (py - current.y) * (height / current.height), width, height };
      });
    };
    element.addEventListener('wheel', onWheel, { passive: false });
    return () => element.removeEventListener('wheel', onWheel);
  }, [drawing]);

  const onPointerDown = (event: PointerEvent<SVGSVGElement>) => {
    drag.current = { x: event.clientX, y: event.clientY, view };
    event.currentTarget.setPointerCapture(event.pointerId);
  };
  const onPointerMove = (event: PointerEvent<SVGSVGElement>) => {
    const start = drag.current;
    if (!start) return;
    const box = event.currentTarget.getBoundingClientRect();
    const scale = Math.max(start.view.width / box.width, start.view.height / box.height);
    setView({ ...start.view, x: start.view.x - (event.clientX - start.x) * scale, y: start.view.y - (event.clientY - start.y) * scale });
  };
  const onPointerUp = () => {
    drag.current = null;
  };
  const zoomToActive = () => {
    const boxes = drawing.states.filter((state) => leaves.has(state.ref));
    if (boxes.length === 0) return;
    const left = Math.min(...boxes.map((box) => box.x)) - FOCUS_MARGIN * 4;
    const top = Math.min(...boxes.map((box) => box.y)) - FOCUS_MARGIN * 3;
    const right = Math.max(...boxes.map((box) => box.x + box.width)) + FOCUS_MARGIN * 4;
    const bottom = Math.max(...boxes.map((box) => box.y + box.height)) + FOCUS_MARGIN * 3;
    setView({ x: left, y: top, width: right - left, height: bottom - top });
  };

  return (
    <div className="statechart">
      <div className="statechart-bar">
        <span className="active-leaf" data-testid="active-state">
          {leafText === '' ? '' : `active: ${leafText}`}
        </span>
        <span className="muted">wheel: zoom · drag: pan</span>
        <button type="button" onClick={zoomToActive} disabled={leaves.size === 0}>
          zoom to active
        </button>
        <button type="button" onClick={() => setView(whole)}>
          fit
        </button>
      </div>
      <div className="statechart-scroll">
        <svg
          ref={svg}
          viewBox={`${view.x} ${view.y} ${view.width} ${view.height}`}
          width="100%"
          height="100%"
          role="img"
          aria-label={`statechart ${drawing.id}`}
          data-chart={drawing.id}
          data-active-leaves={[...leaves].sort().join(' ')}
          onPointerDown={onPointerDown}
          onPointerMove={onPointerMove}
          onPointerUp={onPointerUp}
          onPointerCancel={onPointerUp}
        >
          <defs>
            <marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">
              <path d="M0,0 L10,5 L0,10 z" className="arrow-head" />
            </marker>
            <marker id="arrow-hot" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">
              <path d="M0,0 L10,5 L0,10 z" className="arrow-head hot" />
            </marker>
          </defs>
          {states.map((state) => {
            if (state.kind === 'choice') {
              const cx = state.x + state.width / 2;
              const cy = state.y + state.height / 2;
              const r = state.width / 2;
              return (
                <g key={state.ref} className={`state choice ${hotChoices.has(state.ref) ? 'hot' : ''}`} data-ref={state.ref} data-kind="choice">
                  <title>{[state.ref, ...state.notes].join('\n')}</title>
                  <polygon points={`${cx},${cy - r} ${cx + r},${cy} ${cx},${cy + r} ${cx - r},${cy}`} />
                </g>
              );
            }
            const isLeaf = leaves.has(state.ref);
            const isActive = all.has(state.ref);
            return (
              <g
                key={state.ref}
                className={`state ${state.compound ? 'compound' : 'atomic'} ${isActive ? 'active' : ''} ${isLeaf ? 'current' : ''}`}
                data-ref={state.ref}
                data-active={isActive ? (isLeaf ? 'leaf' : 'ancestor') : undefined}
              >
                <title>{[state.ref, ...state.notes].join('\n')}</title>
                <rect x={state.x} y={state.y} width={state.width} height={state.height} rx={state.compound ? 10 : 8} />
                <text
                  x={state.compound ? state.x + 12 : state.x + state.width / 2}
                  y={state.compound ? state.y + FONT_SIZE.state + 6 : state.y + state.height / 2 + FONT_SIZE.state * 0.35}
                  textAnchor={state.compound ? 'start' : 'middle'}
                  fontSize={FONT_SIZE.state}
                >
                  {state.key}
                </text>
              </g>
            );
          })}
          {drawing.dots.map((dot) => (
            <circle key={dot.parent} className="initial-dot" cx={dot.cx} cy={dot.cy} r={dot.r} />
          ))}
          {drawing.edges.map((edge) => {
            const hot = !edge.initial && (leaves.has(edge.source) || hotChoices.has(edge.source));
            return (
              <g key={edge.id} className={`edge ${edge.initial ? 'initial' : ''} ${hot ? 'hot' : ''}`} data-source={edge.source} data-target={edge.target}>
                <title>{edge.detail.join('\n')}</title>
                <path d={pathOf(edge)} markerEnd={hot ? 'url(#arrow-hot)' : 'url(#arrow)'} />
                {edge.label && (
                  <text x={edge.label.x} y={edge.label.y} fontSize={FONT_SIZE.edge}>
                    {edge.text.map((line, index) => (
                      <tspan key={index} x={edge.label!.x} dy={index === 0 ? FONT_SIZE.edge : FONT_SIZE.edge + 3}>
                        {line}
                      </tspan>
                    ))}
                  </text>
                )}
              </g>
            );
          })}
        </svg>
      </div>
    </div>
  );
});
