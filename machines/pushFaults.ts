/**
 * The fault → HRESULT mapping of the push sink (wmf-push-sink.md §4.7, [proposed] there, decided in
 * docs/decisions.md): what the network adapter reports in `net.done` / `net.lost` for each thing that
 * can go wrong on the wire. Pure: the adapter classifies its error, this names the HRESULT.
 * @module
 */
import { HR, type HResult } from './hresult.js';

/** A fault, as the adapter classifies it. */
export type PushFault =
  /** DNS failure or an invalid host name. */
  | { kind: 'dns' }
  /** ECONNREFUSED. */
  | { kind: 'refused' }
  /** No TCP connection within the adapter's connect timeout. */
  | { kind: 'connectTimeout' }
  /** A response without `Server: Cougar/…` or `Rex/…` (probably a plain web server). */
  | { kind: 'incompatibleServer' }
  /** A response head that cannot be parsed. */
  | { kind: 'badResponse' }
  /** Too many redirects, or a `Location` that is not a usable URL. */
  | { kind: 'badRedirect' }
  /** An HTTP error status; `templateSent` when the PushSetup carried a Template-URL. */
  | { kind: 'http'; status: number; templateSent?: boolean }
  /** ECONNRESET while the push was under way. */
  | { kind: 'reset' }
  /** The server closed the connection (EOF) before the session ended, or a write failed on a closed socket. */
  | { kind: 'closed' };

/** The HRESULT the application sees for a fault. */
export function pushFaultHr(fault: PushFault): HResult {
  switch (fault.kind) {
    case 'dns':
      return HR.NS_E_INVALID_NAME;
    case 'refused':
      return HR.NS_E_PUSH_CANNOTCONNECT;
    case 'connectTimeout':
      return HR.NS_E_CONNECT_TIMEOUT;
    case 'incompatibleServer':
      return HR.NS_E_INCOMPATIBLE_PUSH_SERVER;
    case 'badResponse':
      return HR.NS_E_BAD_SYNTAX_IN_SERVER_RESPONSE;
    case 'badRedirect':
      return HR.NS_E_INVALID_REDIRECT;
    case 'reset':
      return HR.NS_E_RESET_SOCKET_CONNECTION;
    case 'closed':
      return HR.NS_E_CONNECTION_FAILURE;
    case 'http':
      return httpStatusHr(fault.status, fault.templateSent ?? false);
  }
}

/** An HTTP error status (3xx that is not followed, 4xx, 5xx) as an HRESULT. */
export function httpStatusHr(status: number, templateSent = false): HResult {
  switch (status) {
    case 401:
    case 403:
      return HR.NS_E_SERVER_ACCESSDENIED;
    case 407:
      return HR.NS_E_PROXY_ACCESSDENIED;
    case 404:
      return templateSent ? HR.NS_E_INVALID_PUSH_TEMPLATE : HR.NS_E_INVALID_PUSH_PUBLISHING_POINT;
    case 408:
      return HR.NS_E_TIMEOUT;
    case 410:
      return HR.NS_E_RESOURCE_GONE;
    case 503:
      return HR.NS_E_SERVER_UNAVAILABLE;
  }
  if (status >= 500) return HR.NS_E_INTERNAL_SERVER_ERROR;
  if (status >= 400) return HR.NS_E_BAD_REQUEST;
  if (status >= 300) return HR.NS_E_INVALID_REDIRECT;
  return HR.NS_E_BAD_SYNTAX_IN_SERVER_RESPONSE;
}
