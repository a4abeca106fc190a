'use strict';
// Atlassian Connect JWTs: sign an app's call to a product, verify a product's call to the app,
// and verify the Forge Invocation Token of a call to a Forge Remote back end.
//
//   const { sign, verify, verifyForgeInvocation } = require('./connect-jwt');
//   headers.Authorization = sign(sharedSecret, appKey, 'GET', target, tenantBaseUrl);
//   const claims = verify(method, target, appBaseUrl, { kind: 'module', secrets, authorization });
//   const fit = verifyForgeInvocation(req.headers.authorization, { jwks: jwksText, appId });
//
// Node.js built-in modules only: crypto for HS256 and RS256.
const crypto = require('crypto');
const { QshError, parameters, qsh } = require('./connect-qsh');

const MAX_TOKEN = 8192;
const MAX_DEPTH = 16;
const LIFETIME = 180; // seconds; the products accept a few minutes
const B64URL = /^[A-Za-z0-9_-]*$/;
const KID = /^[A-Za-z0-9._-]{1,128}$/;
const HEX64 = /^[0-9a-f]{64}$/;
const INT64_MAX = 2n ** 63n - 1n;
const MAX_JWKS = 65536;
const MAX_JWKS_KEYS = 64;
const MIN_RSA_BITS = 2048;
const MAX_RSA_BITS = 8192;
const FIT_ISS = 'forge/invocation-token';
const APP_ARI = 'ari:cloud:ecosystem::app/';

class JwtError extends Error {
  constructor(status, message) {
    super(message || status);
    this.status = status;
  }
}

const b64 = (data) => Buffer.from(data).toString('base64url'); // unpadded
const byteLength = (text) => Buffer.byteLength(text, 'utf8');

// The Authorization header's value for an app-to-product call. iss is the app key; qsh is in
// the server profile, against the tenant's base URL (its context path, e.g. /wiki, is
// stripped). Bitbucket also wants sub, the tenant's clientKey.
function sign(secret, iss, method, target, baseUrl, { now, body, contentType, sub } = {}) {
  const iat = now === undefined ? Math.floor(Date.now() / 1000) : now;
  const hash = qsh(method, target, baseUrl, 'server', body, contentType);
  const claims = { iss, iat, exp: iat + LIFETIME, qsh: hash };
  if (sub !== undefined) {
    claims.sub = sub;
  }
  const header = { alg: 'HS256', typ: 'JWT' };
  const signingInput = b64(JSON.stringify(header)) + '.' + b64(JSON.stringify(claims));
  const mac = crypto.createHmac('sha256', secret).update(signingInput).digest();
  return 'JWT ' + signingInput + '.' + b64(mac);
}

// Strict base64url: no padding, no other characters, no unused bits set (so that a token has
// exactly one encoding; lenient decoding lets altered signatures through).
function b64decode(segment) {
  if (!B64URL.test(segment) || segment.length % 4 === 1) {
    throw new JwtError('B64_INVALID', 'a segment is not unpadded base64url');
  }
  const data = Buffer.from(segment, 'base64url');
  if (b64(data) !== segment) {
    throw new JwtError('B64_INVALID', 'unused bits set in a segment');
  }
  return data;
}

// What JSON.parse cannot tell, read from the text it has accepted: a member twice (compared
// after unescaping, so "\u0061lg" is alg), nesting past the bound, integers beyond 64 bits,
// and which top-level members are written as reals (1e3, 5.0), which are no NumericDate.
function scanJson(text) {
  const stack = []; // per open container: a Set of member names, or null for an array
  const reals = new Set();
  const numberAt = /-?[0-9]+(\.[0-9]+)?([eE][+-]?[0-9]+)?/y;
  let expectName = false;
  let member = null;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    const top = stack[stack.length - 1];
    if (c === '{' || c === '[') {
      stack.push(c === '{' ? new Set() : null);
      if (stack.length > MAX_DEPTH) {
        throw new JwtError('JSON_TOO_DEEP', `nested deeper than ${MAX_DEPTH}`);
      }
      expectName = c === '{';
    } else if (c === '}' || c === ']') {
      stack.pop();
      expectName = false;
    } else if (c === ',') {
      expectName = top instanceof Set;
    } else if (c === '"') {
      let end = i + 1;
      while (text[end] !== '"') {
        end += text[end] === '\\' ? 2 : 1;
      }
      if (expectName) {
        member = JSON.parse(text.slice(i, end + 1));
        if (top.has(member)) {
          throw new JwtError('JSON_DUP_MEMBER', `member ${JSON.stringify(member)} twice`);
        }
        top.add(member);
        expectName = false;
      }
      i = end;
    } else if (c === '-' || (c >= '0' && c <= '9')) {
      numberAt.lastIndex = i;
      const number = numberAt.exec(text)[0];
      const integer = /^-?[0-9]+$/.test(number);
      if (integer && (BigInt(number) > INT64_MAX || BigInt(number) < -INT64_MAX - 1n)) {
        throw new JwtError('JSON_INVALID', 'an integer beyond 64 bits');
      }
      if (!integer && stack.length === 1) {
        reals.add(member);
      }
      i += number.length - 1;
    }
  }
  return reals;
}

// A JSON object, read strictly: UTF-8 (no byte order mark), no member twice, bounded.
function jsonObject(data) {
  let text;
  let value;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(data);
    value = JSON.parse(text, (name, v) => {
      // A lone surrogate escape, or NUL (which would cut strings short elsewhere).
      for (const s of typeof v === 'string' ? [name, v] : [name]) {
        if (s.includes('\0') || !s.isWellFormed()) {
          throw new JwtError('JSON_INVALID', 'a NUL or a lone surrogate in a string');
        }
      }
      if (typeof v === 'number' && !Number.isFinite(v)) {
        throw new JwtError('JSON_INVALID', 'a number beyond a double');
      }
      return v;
    });
  } catch (e) {
    throw e instanceof JwtError ? e : new JwtError('JSON_INVALID', 'not UTF-8 JSON');
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new JwtError('JSON_NOT_OBJECT', 'not a JSON object');
  }
  const reals = scanJson(text);
  return { value, reals };
}

// The token of `Authorization: <scheme> <token>`: the scheme case-sensitive, one space, one
// token, which never holds '=' (`JWT token=<jwt>` is an auth-param, not the format).
function headerToken(authorization, scheme) {
  const token = authorization.slice(scheme.length + 1);
  if (!authorization.startsWith(scheme + ' ') || token === '' || /[ =]/.test(token)) {
    throw new JwtError('CARRIAGE_SCHEME', `not the ${scheme} scheme with one token`);
  }
  return token;
}

// The token of `Authorization: JWT <token>` or of the one jwt query parameter.
function carriedToken(target, authorization, kind) {
  const query = target.split('#')[0].split('?').slice(1).join('?');
  let tokens;
  try {
    // By decoded name: j%77t carries a token too.
    tokens = parameters(query).filter(([name]) => name === 'jwt').map(([, value]) => value);
  } catch (e) {
    throw new JwtError('REQUEST_INVALID', e.message);
  }
  if (tokens.length + (authorization != null ? 1 : 0) > 1) { // null too: headers.get()'s none
    throw new JwtError('CARRIAGE_AMBIGUOUS', 'more than one token');
  }
  if (authorization != null) {
    return headerToken(authorization, 'JWT');
  }
  if (tokens.length === 0) {
    throw new JwtError('CARRIAGE_MISSING', 'no token');
  }
  // Since 2022-02-01 the products answer 401 to an app's call whose token is in the query.
  if (kind === 'app-to-product') {
    throw new JwtError('CARRIAGE_QUERY_NOT_ALLOWED', 'an app-to-product token in the query');
  }
  return tokens[0];
}

// The header, the claims (and which of them are reals), the signing input and the signature
// of a compact token.
function parse(token) {
  if (token.length > MAX_TOKEN) {
    throw new JwtError('TOKEN_TOO_LARGE', `a token over ${MAX_TOKEN} bytes`);
  }
  const segments = token.split('.');
  if (segments.length !== 3) {
    throw new JwtError('SEGMENTS', 'not three segments');
  }
  const [headerData, claimsData, signature] = segments.map(b64decode);
  const header = jsonObject(headerData).value;
  const { value: claims, reals } = jsonObject(claimsData);
  return { header, claims, reals, signingInput: segments[0] + '.' + segments[1], signature };
}

function checkHeader(header, rs256) {
  const alg = rs256 ? 'RS256' : 'HS256';
  if (header.alg !== alg) { // exact: never none, never the other family
    throw new JwtError('ALG_NOT_ALLOWED', 'alg must be ' + alg);
  }
  if ('crit' in header) { // this verifier understands no extension
    throw new JwtError('CRIT_UNSUPPORTED', 'crit names extensions');
  }
  // jku, jwk, x5u and x5c are never read. kid reaches a key store: check its syntax first.
  const kid = header.kid;
  const kidOk = typeof kid === 'string' && KID.test(kid) && !kid.includes('..'); // no traversal
  if ((rs256 || kid !== undefined) && !kidOk) {
    throw new JwtError('KID_INVALID', 'kid is not 1 to 128 of A-Z a-z 0-9 . _ -');
  }
}

function checkHs256(signingInput, signature, claims, secrets) {
  // The tenant, and so the secret, comes from iss only: never from aud.
  const iss = claims.iss;
  if (typeof iss !== 'string') {
    throw new JwtError('ISS_MISSING', 'no iss string');
  }
  if (!Object.hasOwn(secrets, iss)) {
    throw new JwtError('ISS_UNKNOWN', 'iss is not a known tenant');
  }
  const mac = crypto.createHmac('sha256', secrets[iss]).update(signingInput).digest();
  if (mac.length !== signature.length || !crypto.timingSafeEqual(mac, signature)) {
    throw new JwtError('SIG_INVALID', 'bad signature');
  }
}

function checkRs256(key, signingInput, signature) {
  if (signature.length !== Math.ceil(key.asymmetricKeyDetails.modulusLength / 8)) {
    throw new JwtError('SIG_INVALID', "the signature is not the key's size"); // no extra bytes
  }
  const padding = crypto.constants.RSA_PKCS1_PADDING;
  if (!crypto.verify('sha256', Buffer.from(signingInput), { key, padding }, signature)) {
    throw new JwtError('SIG_INVALID', 'bad signature');
  }
}

function pemKey(pem) {
  let key = null;
  try {
    key = crypto.createPublicKey(pem);
  } catch (e) {
    // not a public key: refused below
  }
  if (key === null || key.asymmetricKeyType !== 'rsa') {
    throw new JwtError('KEY_INVALID', 'the key is not an RSA public key');
  }
  return key;
}

// A JWK's Base64urlUInt (RFC 7518 section 2): strict base64url of the fewest octets.
function jwkUint(jwk, name, maxOctets) {
  let data = Buffer.alloc(0);
  try {
    data = typeof jwk[name] === 'string' ? b64decode(jwk[name]) : data;
  } catch (e) {
    // not base64url: refused below
  }
  if (data.length === 0 || data[0] === 0 || data.length > maxOctets) {
    throw new JwtError('KEY_INVALID', `the JWK's ${name} is not a minimal base64url integer`);
  }
  return data;
}

// The RSA key of the one JWK whose kid is kid in the JWK Set document (its text).
function jwksKey(jwks, kid) {
  let doc = {};
  try {
    doc = byteLength(jwks) <= MAX_JWKS ? jsonObject(Buffer.from(jwks, 'utf8')).value : doc;
  } catch (e) {
    // not a JSON object: refused below
  }
  const keys = doc.keys;
  if (!Array.isArray(keys) || keys.length < 1 || keys.length > MAX_JWKS_KEYS ||
      !keys.every((jwk) => jwk !== null && typeof jwk === 'object' && !Array.isArray(jwk))) {
    throw new JwtError('JWKS_INVALID', 'not a JSON object of at most 64 KiB with 1 to 64 keys');
  }
  const matches = keys.filter((jwk) => jwk.kid === kid);
  if (matches.length > 1) { // which of the two keys is meant cannot be told
    throw new JwtError('JWKS_INVALID', "the token's kid twice in the JWKS");
  }
  if (matches.length === 0) {
    throw new JwtError('KEY_UNKNOWN', 'no key of that kid in the JWKS');
  }
  const jwk = matches[0];
  // use and alg may be absent, but not null.
  const member = (name, absent) => (Object.hasOwn(jwk, name) ? jwk[name] : absent);
  if (jwk.kty !== 'RSA' || member('use', 'sig') !== 'sig' || member('alg', 'RS256') !== 'RS256') {
    throw new JwtError('KEY_INVALID', 'the JWK is not an RSA key for RS256 signatures');
  }
  const n = jwkUint(jwk, 'n', MAX_RSA_BITS / 8);
  const e = BigInt('0x' + jwkUint(jwk, 'e', 8).toString('hex'));
  const bits = (n.length - 1) * 8 + (32 - Math.clz32(n[0])); // the top octet's own bits
  if (bits < MIN_RSA_BITS || e % 2n === 0n || e < 3n) {
    throw new JwtError('KEY_INVALID', 'n is not of 2048 to 8192 bits, or e not odd and >= 3');
  }
  return crypto.createPublicKey({ key: { kty: 'RSA', n: jwk.n, e: jwk.e }, format: 'jwk' });
}

function numericDate(claims, reals, name, required = true) {
  if (!Object.hasOwn(claims, name)) {
    if (required) {
      throw new JwtError(name.toUpperCase() + '_MISSING', 'no ' + name);
    }
    return null;
  }
  // An integer NumericDate: not a string, a boolean, a negative or a real (even 5.0).
  const value = claims[name];
  if (!Number.isInteger(value) || value < 0 || reals.has(name)) {
    throw new JwtError(name.toUpperCase() + '_TYPE', name + ' is not a non-negative integer');
  }
  return value;
}

function checkClaims(claims, reals, now, leeway, audience) {
  const exp = numericDate(claims, reals, 'exp');
  const iat = numericDate(claims, reals, 'iat');
  const nbf = numericDate(claims, reals, 'nbf', false);
  if (!(now < exp + leeway)) {
    throw new JwtError('EXP_EXPIRED', 'expired');
  }
  if (!(iat <= now + leeway)) {
    throw new JwtError('IAT_IN_FUTURE', 'issued in the future');
  }
  if (nbf !== null && !(nbf <= now + leeway)) {
    throw new JwtError('NBF_NOT_YET', 'not valid yet');
  }
  if (!(exp > iat)) {
    throw new JwtError('EXP_BEFORE_IAT', 'exp is not after iat');
  }
  if (audience !== undefined) {
    const aud = claims.aud;
    if (aud === undefined) {
      throw new JwtError('AUD_MISSING', 'no aud');
    }
    if (!(aud === audience || (Array.isArray(aud) && aud.includes(audience)))) {
      throw new JwtError('AUD_MISMATCH', 'aud is not ' + audience);
    }
  }
}

// The claims of a valid token, else a JwtError. kind is module, webhook, lifecycle (HS256),
// context (also takes qsh 'context-qsh'), install (RS256: publicKeys maps kid to PEM; aud must
// be audience, your baseUrl) or app-to-product (never in the query). secrets maps each tenant's
// clientKey to its sharedSecret. For a lifecycle callback or an install, iss must be clientKey,
// the body's clientKey (always for installs, Bitbucket's installed callback too); sub must be
// subject when given (a Bitbucket app-to-product token's, the clientKey).
const KINDS = ['module', 'webhook', 'lifecycle', 'context', 'install', 'app-to-product'];

function verify(method, target, baseUrl, options) {
  const { kind, secrets = {}, publicKeys = {}, leeway = 0, authorization } = options;
  const { audience, clientKey, subject } = options;
  const { profile = 'product', body, contentType } = options;
  const now = options.now === undefined ? Math.floor(Date.now() / 1000) : options.now;
  if (!KINDS.includes(kind)) { // a typo must not pick the rules
    throw new TypeError(`unknown kind ${JSON.stringify(kind)}`);
  }
  const rs256 = kind === 'install';
  if (rs256 && (audience == null || clientKey == null)) {
    throw new TypeError("an install token needs audience (your baseUrl) and the body's clientKey");
  }
  const { header, claims, reals, signingInput, signature } =
    parse(carriedToken(target, authorization, kind));
  checkHeader(header, rs256);
  if (!rs256) {
    checkHs256(signingInput, signature, claims, secrets);
  } else if (Object.hasOwn(publicKeys, header.kid)) {
    checkRs256(pemKey(publicKeys[header.kid]), signingInput, signature);
  } else {
    throw new JwtError('KEY_UNKNOWN', 'no public key of that kid');
  }
  checkClaims(claims, reals, now, leeway, audience);
  if (clientKey !== undefined && claims.iss !== clientKey) {
    throw new JwtError('ISS_MISMATCH', "iss is not the body's clientKey");
  }
  if (subject !== undefined && claims.sub !== subject) {
    throw new JwtError('SUB_MISMATCH', 'sub is not ' + subject);
  }
  const claimed = claims.qsh;
  if (claimed === undefined) {
    throw new JwtError('QSH_MISSING', 'no qsh');
  }
  if (claimed === 'context-qsh' && kind === 'context') {
    return claims; // a context token: never hashed, and never taken on other endpoints
  }
  if (claimed === 'context-qsh') {
    throw new JwtError('QSH_CONTEXT_NOT_ALLOWED', `context-qsh on a ${kind} endpoint`);
  }
  if (typeof claimed !== 'string' || !HEX64.test(claimed)) {
    throw new JwtError('QSH_TYPE', 'qsh is not 64 lower-case hex digits');
  }
  let expected;
  try {
    expected = qsh(method, target, baseUrl, profile, body, contentType);
  } catch (e) {
    throw e instanceof QshError ? new JwtError('REQUEST_INVALID', e.message) : e;
  }
  if (!crypto.timingSafeEqual(Buffer.from(claimed), Buffer.from(expected))) {
    throw new JwtError('QSH_MISMATCH', "qsh is not the request's");
  }
  return claims;
}

// The claims of a valid Forge Invocation Token (a call to a Forge Remote back end), else a
// JwtError. authorization is the request's Authorization header, `Bearer <token>`; jwks the
// text of the JWK Set you trust (Forge's production or staging one, fetched by you: nothing in
// the token chooses it); appId your app's id, bare or as its ARI.
function verifyForgeInvocation(authorization, options) {
  const { jwks, appId, leeway = 0 } = options;
  const now = options.now === undefined ? Math.floor(Date.now() / 1000) : options.now;
  if (authorization == null) { // undefined, or null as headers.get() gives for none
    throw new JwtError('CARRIAGE_MISSING', 'no Authorization header (never the query)');
  }
  const { header, claims, reals, signingInput, signature } =
    parse(headerToken(authorization, 'Bearer'));
  checkHeader(header, true);
  checkRs256(jwksKey(jwks, header.kid), signingInput, signature);
  const ari = appId.startsWith(APP_ARI) ? appId : APP_ARI + appId;
  checkClaims(claims, reals, now, leeway, ari); // aud holds the ARI: the bare id is not it
  if (claims.iss !== FIT_ISS) {
    throw new JwtError('FIT_ISS_INVALID', 'iss is not ' + FIT_ISS);
  }
  const app = claims.app;
  if (app === null || typeof app !== 'object' || typeof app.installationId !== 'string' ||
      typeof app.apiBaseUrl !== 'string' || (Object.hasOwn(app, 'id') && app.id !== ari)) {
    throw new JwtError('FIT_APP_INVALID', 'app lacks installationId or apiBaseUrl, or is another');
  }
  return claims; // no qsh: a FIT signs no request
}

module.exports = { sign, verify, verifyForgeInvocation, JwtError };
