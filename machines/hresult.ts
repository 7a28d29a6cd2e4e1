/**
 * The HRESULT catalog: every status code the session, the clock, the event queue and the push sink
 * can return, with its real numeric value (winerror.h, mferror.h, nserror.h; spec §3.1).
 *
 * Values are kept as unsigned 32-bit numbers (`0xC00D3E85`), which is how Windows prints them. Use
 * {@link toSigned} for the signed `int32` a C caller sees.
 * @module
 */

/** Every known HRESULT, by name. */
export const HR = {
  S_OK: 0x00000000,
  S_FALSE: 0x00000001,
  MF_S_MULTIPLE_BEGIN: 0x000d36d8,
  E_NOTIMPL: 0x80004001,
  E_NOINTERFACE: 0x80004002,
  E_POINTER: 0x80004003,
  E_ABORT: 0x80004004,
  E_FAIL: 0x80004005,
  E_UNEXPECTED: 0x8000ffff,
  E_OUTOFMEMORY: 0x8007000e,
  E_INVALIDARG: 0x80070057,
  MF_E_PLATFORM_NOT_INITIALIZED: 0xc00d36b0,
  MF_E_INVALIDREQUEST: 0xc00d36b2,
  MF_E_INVALIDMEDIATYPE: 0xc00d36b4,
  MF_E_NOT_INITIALIZED: 0xc00d36b6,
  MF_E_NO_MORE_TYPES: 0xc00d36b9,
  MF_E_UNEXPECTED: 0xc00d36bb,
  MF_E_UNSUPPORTED_RATE: 0xc00d36d0,
  MF_E_THINNING_UNSUPPORTED: 0xc00d36d1,
  MF_E_REVERSE_UNSUPPORTED: 0xc00d36d2,
  MF_E_UNSUPPORTED_RATE_TRANSITION: 0xc00d36d3,
  MF_E_NO_CLOCK: 0xc00d36d7,
  MF_E_MULTIPLE_BEGIN: 0xc00d36d9,
  MF_E_MULTIPLE_SUBSCRIBERS: 0xc00d36da,
  MF_E_STATE_TRANSITION_PENDING: 0xc00d36dc,
  MF_E_INVALID_POSITION: 0xc00d36e5,
  MF_E_ATTRIBUTENOTFOUND: 0xc00d36e6,
  MF_E_SESSION_PAUSEWHILESTOPPED: 0xc00d36fc,
  MF_E_NO_EVENTS_AVAILABLE: 0xc00d3e80,
  MF_E_INVALID_STATE_TRANSITION: 0xc00d3e82,
  MF_E_END_OF_STREAM: 0xc00d3e84,
  MF_E_SHUTDOWN: 0xc00d3e85,
  MF_E_NET_NOCONNECTION: 0xc00d4282,
  MF_E_NET_CONNECTION_FAILURE: 0xc00d4283,
  MF_E_TOPO_INVALID_OPTIONAL_NODE: 0xc00d520e,
  MF_E_TOPO_CANNOT_FIND_DECRYPTOR: 0xc00d5211,
  MF_E_TOPO_CODEC_NOT_FOUND: 0xc00d5212,
  MF_E_TOPO_CANNOT_CONNECT: 0xc00d5213,
  MF_E_TOPO_UNSUPPORTED: 0xc00d5214,
  MF_E_TOPO_INVALID_TIME_ATTRIBUTES: 0xc00d5215,
  MF_E_TOPO_LOOPS_IN_TOPOLOGY: 0xc00d5216,
  MF_E_TOPO_MISSING_PRESENTATION_DESCRIPTOR: 0xc00d5217,
  MF_E_TOPO_MISSING_STREAM_DESCRIPTOR: 0xc00d5218,
  MF_E_TOPO_STREAM_DESCRIPTOR_NOT_SELECTED: 0xc00d5219,
  MF_E_TOPO_MISSING_SOURCE: 0xc00d521a,
  MF_E_TOPO_SINK_ACTIVATES_UNSUPPORTED: 0xc00d521b,
  MF_E_CLOCK_INVALID_CONTINUITY_KEY: 0xc00d9c40,
  MF_E_CLOCK_NO_TIME_SOURCE: 0xc00d9c41,
  MF_E_CLOCK_STATE_ALREADY_SET: 0xc00d9c42,
  MF_E_CLOCK_NOT_SIMPLE: 0xc00d9c43,
  NS_E_NOCONNECTION: 0xc00d0005,
  NS_E_CANNOTCONNECT: 0xc00d0006,
  NS_E_INVALID_NAME: 0xc00d001c,
  NS_E_CONNECTION_FAILURE: 0xc00d0029,
  NS_E_SHUTDOWN: 0xc00d002a,
  NS_E_INVALID_REQUEST: 0xc00d002b,
  NS_E_DRM_DEBUGGING_NOT_ALLOWED: 0xc00d2767,
  // The push sink (IWMWriterPushSink) and [MS-WMHTTP]: wmf-push-sink.md §4.6 ([MS-ERREF] §2.1, nserror.h).
  NS_S_EOS_RECEDING: 0x000d2f09,
  NS_E_NETWORK_BUSY: 0xc00d000e,
  NS_E_ALREADY_CONNECTED: 0xc00d0010,
  NS_E_TIMEOUT: 0xc00d0013,
  NS_E_NET_WRITE: 0xc00d0014,
  NS_E_NET_READ: 0xc00d0015,
  NS_E_SERVER_NOT_FOUND: 0xc00d0035,
  NS_E_PUBLISHING_POINT_REMOVED: 0xc00d145a,
  NS_E_INVALID_PUSH_PUBLISHING_POINT_START_REQUEST: 0xc00d145b,
  NS_E_INVALID_PUSH_TEMPLATE: 0xc00d151a,
  NS_E_INVALID_PUSH_PUBLISHING_POINT: 0xc00d151b,
  NS_E_PUSH_DUPLICATE_PUBLISHING_POINT_NAME: 0xc00d1520,
  NS_E_INTERNAL_SERVER_ERROR: 0xc00d2ee2,
  NS_E_BAD_REQUEST: 0xc00d2ee3,
  NS_E_SERVER_UNAVAILABLE: 0xc00d2ee6,
  NS_E_REFUSED_BY_SERVER: 0xc00d2ee7,
  NS_E_INCOMPATIBLE_SERVER: 0xc00d2ee8,
  NS_E_INVALID_REDIRECT: 0xc00d2eea,
  NS_E_SERVER_DNS_TIMEOUT: 0xc00d2eef,
  NS_E_PROXY_ACCESSDENIED: 0xc00d2ef6,
  NS_E_SERVER_ACCESSDENIED: 0xc00d2efb,
  NS_E_RESOURCE_GONE: 0xc00d2efc,
  NS_E_BAD_SYNTAX_IN_SERVER_RESPONSE: 0xc00d2efe,
  NS_E_RESET_SOCKET_CONNECTION: 0xc00d2f00,
  NS_E_CONNECT_TIMEOUT: 0xc00d2f06,
  NS_E_SESSION_INVALID: 0xc00d2f08,
  NS_E_PUSH_CANNOTCONNECT: 0xc00d2f0b,
  NS_E_INCOMPATIBLE_PUSH_SERVER: 0xc00d2f0c,
} as const;

/** A name from the catalog. */
export type HResultName = keyof typeof HR;

/** An HRESULT as an unsigned 32-bit number. */
export type HResult = number;

/** `WAIT_TIMEOUT`: not an HRESULT, the "no such event arrived in time" sentinel of Windows' tests. */
export const WAIT_TIMEOUT = 0x00000102;

const byValue = new Map<number, HResultName>();
for (const [name, value] of Object.entries(HR)) byValue.set(value, name as HResultName);

/** Normalizes any 32-bit value (signed or unsigned) to the unsigned form used in the catalog. */
export function toUnsigned(hr: number): HResult {
  return hr >>> 0;
}

/** The signed `int32` form of an HRESULT, as a C caller or koffi sees it. */
export function toSigned(hr: number): number {
  return hr | 0;
}

/** True for success codes (the severity bit is clear), e.g. S_OK, S_FALSE, MF_S_MULTIPLE_BEGIN. */
export function succeeded(hr: number): boolean {
  return (hr >>> 0) < 0x80000000;
}

/** True for failure codes. */
export function failed(hr: number): boolean {
  return !succeeded(hr);
}

/** `0xC00D3E85` style text, 8 hex digits. */
export function hrHex(hr: number): string {
  return '0x' + (hr >>> 0).toString(16).toUpperCase().padStart(8, '0');
}

/** The catalog name of a value, or undefined for a value the catalog does not know. */
export function hrName(hr: number): HResultName | undefined {
  return byValue.get(hr >>> 0);
}

/** A readable form: `MF_E_SHUTDOWN (0xC00D3E85)`, or the hex alone for an unknown value. */
export function formatHr(hr: number): string {
  const name = hrName(hr);
  return name ? `${name} (${hrHex(hr)})` : hrHex(hr);
}

/**
 * Parses an HRESULT written by a user: a catalog name (`"MF_E_SHUTDOWN"`) or an 8-digit hex
 * string (`"0x80001234"`). Returns undefined when the text is neither.
 */
export function parseHr(text: string): HResult | undefined {
  if (Object.prototype.hasOwnProperty.call(HR, text)) return HR[text as HResultName];
  if (/^0x[0-9a-fA-F]{8}$/.test(text)) return Number.parseInt(text.slice(2), 16) >>> 0;
  return undefined;
}

/** An HRESULT failure carried as a JavaScript error (used by the Promise and fp-ts facades). */
export class HResultError extends Error {
  /** The failing HRESULT (unsigned). */
  readonly hr: HResult;
  constructor(hr: HResult, context?: string) {
    super(context ? `${context}: ${formatHr(hr)}` : formatHr(hr));
    this.name = 'HResultError';
    this.hr = hr >>> 0;
  }
}
