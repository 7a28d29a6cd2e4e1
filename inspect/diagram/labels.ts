/**
 * Names of guards, actions and events as the diagrams print them. XState keeps what the machine
 * author wrote: a name (`'callbackDue'`), a parameterized object (`{ type: 'clockIn', params }`) or a
 * function. Only the first two are names; a function is labelled by its own name when it has a real
 * one, else as inline.
 * @module
 */
import type { AnyTransitionDefinition, UnknownAction } from 'xstate';
import type { ChartAction } from './model.js';

/** A guard as XState keeps it on a transition (a name, `{ type, params }` or a function). */
type UnknownGuard = NonNullable<AnyTransitionDefinition['guard']>;

/** The label of a guard written as an anonymous function. */
export const INLINE_GUARD = '?';

/**
 * Function names that say nothing: an arrow function written as `guard: () => …` or
 * `actions: () => …` takes the property's name.
 */
const UNINFORMATIVE = new Set(['', 'guard', 'actions', 'action', 'entry', 'exit', 'anonymous']);

/** `clockIn(RUNNING)`: parameters by value, so a family of guards reads as one. */
function withParams(type: string, params: unknown): string {
  if (params === undefined) return type;
  if (typeof params === 'function') return `${type}(…)`; // dynamic params: computed per event
  if (params !== null && typeof params === 'object' && !Array.isArray(params)) {
    const values = Object.values(params as Record<string, unknown>).map((value) =>
      typeof value === 'string' ? value : JSON.stringify(value),
    );
    return `${type}(${values.join(', ')})`;
  }
  return `${type}(${JSON.stringify(params)})`;
}

/** The label of a guard: its name (with parameters), or {@link INLINE_GUARD}. */
export function guardLabel(guard: UnknownGuard): string {
  if (typeof guard === 'string') return guard;
  if (typeof guard === 'function') return UNINFORMATIVE.has(guard.name) ? INLINE_GUARD : guard.name;
  return withParams(guard.type, guard.params);
}

/** An action by name; see {@link ChartAction.referenced}. */
export function actionOf(action: UnknownAction): ChartAction {
  if (typeof action === 'string') return { name: action, referenced: true };
  if (typeof action === 'function') return { name: UNINFORMATIVE.has(action.name) ? 'inline' : action.name, referenced: false };
  return { name: action.type, referenced: true };
}

/** An event type as people read it: XState's delayed events become `after <delay>`. */
export function eventLabel(event: string): string {
  const delayed = /^xstate\.after\.([^.]+)\./.exec(event);
  return delayed ? `after ${delayed[1]}` : event;
}
