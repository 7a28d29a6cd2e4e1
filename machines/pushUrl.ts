/**
 * Connect's arguments, checked without I/O: the publishing-point URL (`http://host[:port]/name`,
 * default port 80) and the template URL, which [MS-WMHTTP] carries as a path only
 * (`Template-URL: "/pub"`), ASCII, non-ASCII characters UTF-8 encoded and percent-encoded.
 * Spec: wmf-push-sink.md §2.4, §4.2.
 * @module
 */
import { HR, type HResult } from './hresult.js';
import type { ConnectInput } from './pushEvents.js';

/** Connect's arguments checked: the operation's input, or the synchronous failure. */
export type ConnectArgs = { ok: true; input: ConnectInput } | { ok: false; hr: HResult; reason: string };

/** The default port of a publishing-point URL (IWMWriterPushSink::Connect, spec §4.2). */
export const DEFAULT_PUSH_PORT = 80;

/** A path in the ASCII form the wire needs: percent-encoded UTF-8, no query, no fragment. */
function asciiPath(pathname: string): string {
  return pathname === '' ? '/' : pathname;
}

/**
 * Reduces a template given as a full URL (any host: only the path is sent) or as an absolute path to
 * the path [MS-WMHTTP] sends. Undefined when the text is neither.
 */
export function templatePath(template: string): string | undefined {
  try {
    if (template.startsWith('/')) return asciiPath(new URL(template, 'http://template.invalid').pathname);
    const url = new URL(template);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return undefined;
    return asciiPath(url.pathname);
  } catch {
    return undefined;
  }
}

/**
 * Checks Connect(pwszURL, pwszTemplateURL, fAutoDestroy): a NULL URL is E_INVALIDARG (documented);
 * a URL that is not `http://` with a host name is NS_E_INVALID_NAME (documented for a bad host name);
 * a template that is neither a URL nor an absolute path is E_INVALIDARG.
 */
export function checkConnectArgs(url: string | null, template: string | null | undefined, autoDestroy: boolean): ConnectArgs {
  if (url === null) return { ok: false, hr: HR.E_INVALIDARG, reason: 'the publishing-point URL is NULL' };
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return { ok: false, hr: HR.NS_E_INVALID_NAME, reason: `not a URL: ${JSON.stringify(url)}` };
  }
  if (parsed.protocol !== 'http:') return { ok: false, hr: HR.NS_E_INVALID_NAME, reason: `not an http:// URL: ${url}` };
  if (parsed.hostname === '') return { ok: false, hr: HR.NS_E_INVALID_NAME, reason: `no host name: ${url}` };
  let tpl: string | null = null;
  if (template !== null && template !== undefined && template !== '') {
    const path = templatePath(template);
    if (path === undefined) return { ok: false, hr: HR.E_INVALIDARG, reason: `the template is neither a URL nor a path: ${template}` };
    tpl = path;
  }
  return {
    ok: true,
    input: {
      host: parsed.hostname,
      port: parsed.port === '' ? DEFAULT_PUSH_PORT : Number(parsed.port),
      path: asciiPath(parsed.pathname),
      templatePath: tpl,
      autoDestroy,
    },
  };
}
