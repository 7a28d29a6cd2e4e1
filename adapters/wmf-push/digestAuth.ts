/**
 * HTTP Digest access authentication (RFC 7616, compatible with RFC 2617) with MD5 and qop=auth, the
 * scheme [MS-WMHTTP] prefers when PushStart must be authenticated too (spec §2.3, §2.10); and Basic
 * (RFC 7617). The client side parses a `WWW-Authenticate` / `Proxy-Authenticate` challenge and
 * computes `Authorization` values, one nonce count per request; the server side issues challenges
 * and verifies answers. MD5 comes from node:crypto.
 * @module
 */
import { createHash, randomBytes } from 'node:crypto';

/** One parsed challenge: its scheme and its parameters (names lower-cased, values unquoted). */
export interface AuthChallenge {
  scheme: string;
  params: Map<string, string>;
}

const md5 = (text: string) => createHash('md5').update(text, 'utf8').digest('hex');

/**
 * Parses the challenges of one or more `WWW-Authenticate` header values: `Scheme k=v, k="v", …`,
 * several challenges in one value allowed (a new challenge starts at a token not followed by `=`).
 */
export function parseChallenges(values: string[]): AuthChallenge[] {
  const out: AuthChallenge[] = [];
  for (const value of values) {
    // Tokens: a scheme name, or name=value with value a token or a quoted string.
    const re = /\s*([!#$%&'*+.^_`|~0-9A-Za-z-]+)(?:\s*=\s*("(?:[^"\\]|\\.)*"|[^\s,]*))?\s*,?/gy;
    let current: AuthChallenge | undefined;
    for (let m = re.exec(value); m !== null && m[0] !== ''; m = re.exec(value)) {
      const [, name, raw] = m;
      if (raw === undefined) {
        current = { scheme: name!, params: new Map() };
        out.push(current);
      } else if (current) {
        const v = raw.startsWith('"') ? raw.slice(1, -1).replace(/\\(.)/g, '$1') : raw;
        current.params.set(name!.toLowerCase(), v);
      }
    }
  }
  return out;
}

/** Credentials for a 401/407 challenge. */
export interface AuthCredentials {
  user: string;
  password: string;
}

/** `Basic base64(user:password)`. */
export function basicAuthorization(c: AuthCredentials): string {
  return 'Basic ' + Buffer.from(`${c.user}:${c.password}`, 'utf8').toString('base64');
}

/** Why a Digest challenge cannot be answered. */
export class DigestError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DigestError';
  }
}

/**
 * A client's Digest session for one challenge: each {@link authorization} call is one request, with
 * the next nonce count (nc) and a fresh cnonce, so the same challenge answers PushSetup and then
 * every PushStart.
 */
export class DigestClient {
  private nc = 0;
  private readonly realm: string;
  private readonly nonce: string;
  private readonly opaque: string | undefined;
  private readonly qop: 'auth' | undefined;

  /**
   * @param challenge a Digest challenge ({@link parseChallenges})
   * @param cnonce the client nonce of each request (default: 8 random bytes in hex); fixed only by tests
   */
  constructor(
    challenge: AuthChallenge,
    private readonly credentials: AuthCredentials,
    private readonly cnonce: () => string = () => randomBytes(8).toString('hex'),
  ) {
    const p = challenge.params;
    const algorithm = p.get('algorithm') ?? 'MD5';
    if (algorithm.toUpperCase() !== 'MD5') throw new DigestError(`Digest algorithm ${algorithm} is not supported (MD5 only)`);
    const realm = p.get('realm');
    const nonce = p.get('nonce');
    if (realm === undefined || nonce === undefined) throw new DigestError('a Digest challenge without realm or nonce');
    this.realm = realm;
    this.nonce = nonce;
    this.opaque = p.get('opaque');
    const qops = (p.get('qop') ?? '').split(',').map((q) => q.trim().toLowerCase());
    if (p.has('qop') && !qops.includes('auth')) throw new DigestError(`Digest qop ${p.get('qop')} offers no "auth"`);
    this.qop = p.has('qop') ? 'auth' : undefined;
  }

  /** The `Authorization` value for one request (`method` and request-target `uri`). */
  authorization(method: string, uri: string): string {
    const ha1 = md5(`${this.credentials.user}:${this.realm}:${this.credentials.password}`);
    const ha2 = md5(`${method}:${uri}`);
    const fields = [`username="${quote(this.credentials.user)}"`, `realm="${quote(this.realm)}"`, `nonce="${quote(this.nonce)}"`, `uri="${quote(uri)}"`];
    let response: string;
    if (this.qop) {
      const nc = (++this.nc).toString(16).padStart(8, '0');
      const cnonce = this.cnonce();
      response = md5(`${ha1}:${this.nonce}:${nc}:${cnonce}:auth:${ha2}`);
      fields.push('qop=auth', `nc=${nc}`, `cnonce="${cnonce}"`);
    } else {
      response = md5(`${ha1}:${this.nonce}:${ha2}`); // RFC 2069 form, for a challenge without qop
    }
    fields.push(`response="${response}"`, 'algorithm=MD5');
    if (this.opaque !== undefined) fields.push(`opaque="${quote(this.opaque)}"`);
    return 'Digest ' + fields.join(', ');
  }
}

function quote(s: string): string {
  return s.replace(/["\\]/g, '\\$&');
}

/** A server's Digest verifier: issues nonces, checks answers (MD5, qop=auth, nonce counts only increase). */
export class DigestServer {
  /** nonce → opaque and the highest nc seen. */
  private readonly nonces = new Map<string, { opaque: string; nc: number }>();

  constructor(
    private readonly realm: string,
    private readonly credentials: AuthCredentials,
  ) {}

  /** A `WWW-Authenticate` value with a fresh nonce. `separator` lets a profile reproduce a server's exact bytes. */
  challenge(separator = ', '): string {
    const nonce = randomBytes(12).toString('hex');
    const opaque = randomBytes(8).toString('hex');
    this.nonces.set(nonce, { opaque, nc: 0 });
    return `Digest realm="${quote(this.realm)}"${separator}qop=auth${separator}nonce="${nonce}"${separator}opaque="${opaque}"${separator}algorithm=MD5`;
  }

  /** Whether an `Authorization` value answers one of this server's challenges for `method` and `uri`. */
  verify(authorization: string | undefined, method: string): boolean {
    if (authorization === undefined) return false;
    const [answer] = parseChallenges([authorization]);
    if (!answer || answer.scheme.toLowerCase() !== 'digest') return false;
    const p = answer.params;
    const nonce = p.get('nonce') ?? '';
    const issued = this.nonces.get(nonce);
    if (!issued || p.get('username') !== this.credentials.user || p.get('realm') !== this.realm) return false;
    if (p.has('opaque') && p.get('opaque') !== issued.opaque) return false;
    const uri = p.get('uri') ?? '';
    const ha1 = md5(`${this.credentials.user}:${this.realm}:${this.credentials.password}`);
    const ha2 = md5(`${method}:${uri}`);
    let expected: string;
    if (p.get('qop') === 'auth') {
      const ncText = p.get('nc') ?? '';
      const nc = Number.parseInt(ncText, 16);
      if (!/^[0-9a-f]{8}$/i.test(ncText) || nc <= issued.nc) return false; // a replay
      expected = md5(`${ha1}:${nonce}:${ncText}:${p.get('cnonce') ?? ''}:auth:${ha2}`);
      if (expected !== p.get('response')) return false;
      issued.nc = nc;
      return true;
    }
    expected = md5(`${ha1}:${nonce}:${ha2}`);
    return expected === p.get('response');
  }
}
