/**
 * A scrolling list that renders only the rows in view (fixed row height), so a thousand sessions
 * or a long trace cost a few dozen DOM rows. Small enough to own rather than add a dependency.
 * @module
 */
import { useEffect, useLayoutEffect, useRef, useState, type ReactNode } from 'react';

/** Props of {@link WindowedList}. */
export interface WindowedListProps {
  /** How many rows there are. */
  count: number;
  /** Every row's height in px (the CSS must agree). */
  rowHeight: number;
  /** Renders row `index`; called only for rows in view. */
  renderRow: (index: number) => ReactNode;
  /** When set, scrolls just enough to bring this row into view whenever it changes. */
  revealIndex?: number;
  className?: string;
  /** Accessible name and test hook. */
  label: string;
}

const OVERSCAN = 6;

/** See the module comment. */
export function WindowedList({ count, rowHeight, renderRow, revealIndex, className, label }: WindowedListProps) {
  const viewport = useRef<HTMLDivElement>(null);
  const [scrollTop, setScrollTop] = useState(0);
  const [height, setHeight] = useState(400);

  useLayoutEffect(() => {
    const element = viewport.current;
    if (!element) return;
    setHeight(element.clientHeight);
    const observer = new ResizeObserver(() => setHeight(element.clientHeight));
    observer.observe(element);
    return () => observer.disconnect();
  }, []);

  useEffect(() => {
    const element = viewport.current;
    if (!element || revealIndex === undefined || revealIndex < 0) return;
    const top = revealIndex * rowHeight;
    if (top < element.scrollTop) element.scrollTop = top;
    else if (top + rowHeight > element.scrollTop + element.clientHeight) element.scrollTop = top + rowHeight - element.clientHeight;
  }, [revealIndex, rowHeight]);

  const first = Math.max(0, Math.floor(scrollTop / rowHeight) - OVERSCAN);
  const last = Math.min(count, Math.ceil((scrollTop + height) / rowHeight) + OVERSCAN);
  const rows: ReactNode[] = [];
  for (let index = first; index < last; index++) {
    rows.push(
      <div key={index} className="window-row" style={{ top: index * rowHeight, height: rowHeight }}>
        {renderRow(index)}
      </div>,
    );
  }
  return (
    <div
      ref={viewport}
      className={`windowed ${className ?? ''}`}
      aria-label={label}
      data-rows={count}
      role="list"
      onScroll={(event) => setScrollTop(event.currentTarget.scrollTop)}
    >
      <div className="window-spacer" style={{ height: count * rowHeight }}>
        {rows}
      </div>
    </div>
  );
}
