/**
 * The session list's filter: by id (substring, any case) and by public state (exact).
 * @module
 */
import type { SessionSummary } from '../live/protocol.js';

/** Sessions whose id contains `text` (case-insensitive) and whose state is `state` (`''`: any). */
export function filterSessions(sessions: Iterable<SessionSummary>, text: string, state: string): SessionSummary[] {
  const needle = text.trim().toLowerCase();
  const out: SessionSummary[] = [];
  for (const summary of sessions) {
    if (state !== '' && summary.state !== state) continue;
    if (needle !== '' && !summary.id.toLowerCase().includes(needle)) continue;
    out.push(summary);
  }
  return out;
}
