/**
 * Accepted divergences: known platform differences, listed in a JSON file so that a divergence they
 * match is reported as known, not as a failure. The file is a list of `{ "description", "match" }`;
 * `match` names fields of a {@link Divergence} (`kind`, `action`, `state`, `eventType`, `expected`,
 * `actual`), and a divergence matches when every field given is equal.
 * @module
 */
import { readFileSync } from 'node:fs';
import type { Divergence } from './divergence.js';

/** The fields an entry can match on. */
export const MATCH_FIELDS = ['kind', 'action', 'state', 'eventType', 'expected', 'actual'] as const;

/** What an entry matches: every given field must be equal. */
export type DivergenceMatch = Partial<Pick<Divergence, (typeof MATCH_FIELDS)[number]>>;

/** One known platform difference. */
export interface AcceptedDivergence {
  /** Why it is accepted (shown in reports). */
  description: string;
  match: DivergenceMatch;
}

/** Validates an accepted-divergences document; throws an Error naming the entry and the field. */
export function parseAcceptedDivergences(value: unknown, source = 'accepted divergences'): AcceptedDivergence[] {
  if (!Array.isArray(value)) throw new Error(`${source}: must be a JSON array of {"description", "match"}`);
  return value.map((entry, i) => {
    const where = `${source}: entry ${i}`;
    if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) throw new Error(`${where}: must be an object`);
    for (const key of Object.keys(entry)) if (key !== 'description' && key !== 'match') throw new Error(`${where}: unknown field ${JSON.stringify(key)}`);
    const { description, match } = entry as { description?: unknown; match?: unknown };
    if (typeof description !== 'string' || description.length === 0) throw new Error(`${where}: description must be a non-empty string`);
    if (typeof match !== 'object' || match === null || Array.isArray(match)) throw new Error(`${where}: match must be an object`);
    const fields = Object.entries(match);
    if (fields.length === 0) throw new Error(`${where}: match must name at least one field (an empty match would accept everything)`);
    for (const [key, field] of fields) {
      if (!(MATCH_FIELDS as readonly string[]).includes(key)) throw new Error(`${where}: match: unknown field ${JSON.stringify(key)} (fields: ${MATCH_FIELDS.join(', ')})`);
      if (typeof field !== 'string') throw new Error(`${where}: match.${key} must be a string`);
    }
    return { description, match: match as DivergenceMatch };
  });
}

/** Reads and validates an accepted-divergences file. */
export function loadAcceptedDivergences(file: string): AcceptedDivergence[] {
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new Error(`${file}: cannot be read as JSON: ${(error as Error).message}`);
  }
  return parseAcceptedDivergences(value, file);
}

/** The first entry that matches `divergence`, if any. */
export function findAccepted(divergence: Divergence, accepted: readonly AcceptedDivergence[]): AcceptedDivergence | undefined {
  return accepted.find((entry) => Object.entries(entry.match).every(([key, value]) => divergence[key as keyof Divergence] === value));
}
