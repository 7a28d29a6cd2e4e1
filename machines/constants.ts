/**
 * Numeric constants of the Media Foundation headers that the models use (spec §3.3, §6.2), and the
 * namespaced event names of every machine, kept in one place.
 * @module
 */

/** MF_TOPOSTATUS_* (mfapi.h). */
export const TOPOSTATUS = {
  INVALID: 0,
  READY: 100,
  STARTED_SOURCE: 200,
  DYNAMIC_CHANGED: 210,
  SINK_SWITCHED: 300,
  ENDED: 400,
} as const;

/** MFSESSIONCAP_* (mfapi.h). */
export const SESSIONCAP = {
  START: 0x01,
  SEEK: 0x02,
  PAUSE: 0x04,
  RATE_FORWARD: 0x10,
  RATE_REVERSE: 0x20,
  DOES_NOT_USE_NETWORK: 0x40,
} as const;

/** A capability flag name. */
export type SessionCapName = keyof typeof SESSIONCAP;

/** MFSESSION_SETTOPOLOGY_* flags. */
export const SETTOPOLOGY = { IMMEDIATE: 0x1, NORESOLUTION: 0x2, CLEAR_CURRENT: 0x4 } as const;
/** A SetTopology flag name. */
export type SetTopologyFlag = keyof typeof SETTOPOLOGY;

/** MFSESSION_GETFULLTOPOLOGY_CURRENT. */
export const GETFULLTOPOLOGY_CURRENT = 0x1;
/** MF_EVENT_FLAG_NO_WAIT. */
export const MF_EVENT_FLAG_NO_WAIT = 0x1;

/** MFCLOCK_STATE_* values. */
export const CLOCK_STATE = { INVALID: 0, RUNNING: 1, STOPPED: 2, PAUSED: 3 } as const;
/** A clock state name. */
export type ClockStateName = keyof typeof CLOCK_STATE;

/** MFSHUTDOWN_STATUS values. */
export const SHUTDOWN_STATUS = { INITIATED: 0, COMPLETED: 1 } as const;

/** MFMEDIASOURCE_CHARACTERISTICS flags. */
export const MEDIASOURCE = {
  IS_LIVE: 0x1,
  CAN_SEEK: 0x2,
  CAN_PAUSE: 0x4,
  HAS_SLOW_SEEK: 0x8,
  HAS_MULTIPLE_PRESENTATIONS: 0x10,
  CAN_SKIPFORWARD: 0x20,
  CAN_SKIPBACKWARD: 0x40,
  DOES_NOT_USE_NETWORK: 0x80,
} as const;

/** MEDIASINK_* characteristics flags. */
export const MEDIASINK = { FIXED_STREAMS: 0x1, RATELESS: 0x4, CAN_PREROLL: 0x10 } as const;

/** PRESENTATION_CURRENT_POSITION: the clock's "start from where you are" position. */
export const PRESENTATION_CURRENT_POSITION = 0x7fffffffffffffffn;

/** Attribute names the session sets on its events. */
export const EVENT_ATTR = {
  TOPOLOGY_STATUS: 'MF_EVENT_TOPOLOGY_STATUS',
  SESSIONCAPS: 'MF_EVENT_SESSIONCAPS',
  SESSIONCAPS_DELTA: 'MF_EVENT_SESSIONCAPS_DELTA',
  PRESENTATION_TIME_OFFSET: 'MF_EVENT_PRESENTATION_TIME_OFFSET',
  APPROX_EVENT_OCCURRENCE_TIME: 'MF_SESSION_APPROX_EVENT_OCCURRENCE_TIME',
  START_PRESENTATION_TIME: 'MF_EVENT_START_PRESENTATION_TIME',
  PRESENTATION_TIME_OFFSET_AT_OUTPUT: 'MF_EVENT_START_PRESENTATION_TIME_AT_OUTPUT',
} as const;

/** 100-ns units per millisecond. */
export const HNS_PER_MS = 10_000;
