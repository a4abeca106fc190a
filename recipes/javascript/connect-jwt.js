'use strict';
// Atlassian Connect JWTs: sign an app's call to a product, verify a product's call to the app.
//
//   const { sign, verify } = require('./connect-jwt');
//   headers.Authorization = sign(sharedSecret, appKey, 'GET', target, tenantBaseUrl);
//   const claims = verify(method, target, appBaseUrl, { kind: 'module', secrets, authorization });
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

class JwtError extends Error {
  constructor(status, message) {
    super(message || status);
    this.status = status;
  }
}

const b64 = (data) => Buffer.from(data).toString('base64url'); // unpadded

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

// The token of `Authorization: JWT <token>` or of the one jwt query parameter.
function carriedToken(target, authorization) {
  const query = target.split('#')[0].split('?').slice(1).join('?');
  let tokens;
  try {
    // By decoded name: j%77t carries a token too.
    tokens = parameters(query).filter(([name]) => name === 'jwt').map(([, value]) => value);
  } catch (e) {
    throw new JwtError('REQUEST_INVALID', e.message);
  }
  if (tokens.length + (authorization !== undefined ? 1 : 0) > 1) {
    throw new JwtError('CARRIAGE_AMBIGUOUS', 'more than one token');
  }
  let token;
  if (authorization !== undefined) {
    token = authorization.slice(4);
    // The scheme is case-sensitive, followed by one space and one token.
    if (!authorization.startsWith('JWT ') || token === '' || token.includes(' ')) {
      throw new JwtError('CARRIAGE_SCHEME', 'not the JWT scheme with one token');
    }
  } else if (tokens.length === 1) {
    token = tokens[0];
  } else {
    throw new JwtError('CARRIAGE_MISSING', 'no token');
  }
  if (token.length > MAX_TOKEN) {
    throw new JwtError('TOKEN_TOO_LARGE', `a token over ${MAX_TOKEN} bytes`);
  }
  return token;
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

function checkSignature(signingInput, signature, header, claims, rs256, secrets, publicKeys) {
  if (!rs256) {
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
    return;
  }
  if (!Object.hasOwn(publicKeys, header.kid)) {
    throw new JwtError('KEY_UNKNOWN', 'no public key of that kid');
  }
  let key = null;
  try {
    key = crypto.createPublicKey(publicKeys[header.kid]);
  } catch (e) {
    // not a public key: refused below
  }
  if (key === null || key.asymmetricKeyType !== 'rsa') {
    throw new JwtError('KEY_INVALID', 'the key is not an RSA public key');
  }
  if (signature.length !== Math.ceil(key.asymmetricKeyDetails.modulusLength / 8)) {
    throw new JwtError('SIG_INVALID', "the signature is not the key's size"); // no extra bytes
  }
  const padding = crypto.constants.RSA_PKCS1_PADDING;
  if (!crypto.verify('sha256', Buffer.from(signingInput), { key, padding }, signature)) {
    throw new JwtError('SIG_INVALID', 'bad signature');
  }
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
// be audience, your baseUrl; iss must be clientKey, the body's) or app-to-product. secrets maps
// each tenant's clientKey to its sharedSecret.
function verify(method, target, baseUrl, options) {
  const { kind, secrets = {}, publicKeys = {}, leeway = 0, authorization } = options;
  const { audience, clientKey } = options;
  const { profile = 'product', body, contentType } = options;
  const now = options.now === undefined ? Math.floor(Date.now() / 1000) : options.now;
  const rs256 = kind === 'install';
  if (rs256 && (audience === undefined || clientKey === undefined)) {
    throw new TypeError("an install token needs audience (your baseUrl) and the body's clientKey");
  }
  const segments = carriedToken(target, authorization).split('.');
  if (segments.length !== 3) {
    throw new JwtError('SEGMENTS', 'not three segments');
  }
  const [headerData, claimsData, signature] = segments.map(b64decode);
  const header = jsonObject(headerData).value;
  const { value: claims, reals } = jsonObject(claimsData);
  checkHeader(header, rs256);
  const signingInput = segments[0] + '.' + segments[1];
  checkSignature(signingInput, signature, header, claims, rs256, secrets, publicKeys);
  if (rs256 && claims.iss !== clientKey) {
    throw new JwtError('ISS_MISMATCH', "iss is not the body's clientKey");
  }
  checkClaims(claims, reals, now, leeway, audience);
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

module.exports = { sign, verify, JwtError };
