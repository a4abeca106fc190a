'use strict';
// The query string hash (qsh) of an Atlassian Connect request, from the rules in docs/RULES.md.
//
//   const { qsh } = require('./connect-qsh');
//   qsh('GET', '/wiki/rest/api/content?limit=10', 'https://your-domain.atlassian.net/wiki');
//
// Node.js built-in modules only. Anything the rules cannot canonicalize throws a QshError,
// whose status names the problem (the reference library's status names).
const crypto = require('crypto');

const MAX_METHOD = 64;
const MAX_TARGET = 1024 * 1024;
const MAX_BASE_URL = 4096;
const MAX_BODY = 4 * 1024 * 1024;

// RFC 9110 section 5.6.2: a method is a token.
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
// Only visible ASCII can be sent in a request line or a form body (RFC 9112 section 3.2): a
// space, a control or a non-ASCII character is rejected rather than encoded by guess.
const ON_THE_WIRE = /^[\x21-\x7e]*$/;
const BAD_ESCAPE = /%(?![0-9A-Fa-f]{2})/;
const ABSOLUTE = /^([A-Za-z][A-Za-z0-9+.-]*):\/\/([^/?#]*)(.*)$/s;
const AUTHORITY = /^(\[[^\]]*\]|[^:[\]]+)(?::([0-9]*))?$/;
const DEFAULT_PORTS = new Map([['http', 80], ['https', 443]]);
const FORM = 'application/x-www-form-urlencoded';

class QshError extends Error {
  constructor(status, message) {
    super(message || status);
    this.status = status;
  }
}

// One rule of the input: refused with status unless it holds.
function check(holds, status, message) {
  if (!holds) {
    throw new QshError(status, message);
  }
}

const byteLength = (text) => Buffer.byteLength(text, 'utf8');

// Lowercase hex SHA-256 of the canonical request.
function qsh(method, target, baseUrl = '', profile = 'server', body, contentType) {
  const canonical = canonicalRequest(method, target, baseUrl, profile, body, contentType);
  return crypto.createHash('sha256').update(canonical, 'utf8').digest('hex');
}

// METHOD&URI&QUERY. profile 'server' hashes the path as sent (what a product computes for an
// app's call); 'product' hashes the percent-decoded path (what a product signs when it calls an
// app). body counts only for POST with exactly the form media type.
function canonicalRequest(method, target, baseUrl = '', profile = 'server', body, contentType) {
  check(profile === 'server' || profile === 'product', 'QSH_E_PROFILE_INVALID',
    'profile must be server or product');
  check(method !== '', 'QSH_E_METHOD_EMPTY', 'empty method');
  check(byteLength(method) <= MAX_METHOD, 'QSH_E_METHOD_TOO_LONG', 'method over 64 bytes');
  check(TOKEN.test(method), 'QSH_E_METHOD_INVALID', 'the method is not an HTTP token');
  const base = parseBaseUrl(baseUrl);
  const form = formBody(method, body, contentType);
  let { path, query } = splitTarget(target, base.origin);
  let basePath = base.path;
  check(!BAD_ESCAPE.test(path), 'QSH_E_PERCENT_MALFORMED', 'a % without two hex digits');
  if (profile === 'product') {
    path = unescape(path, false);
    basePath = unescape(basePath, false, 'QSH_E_BASE_URL_INVALID');
  }
  // The body's parameters merge with the query's, as a servlet's parameter map merges them.
  // The token itself is not hashed: drop the name exactly jwt (JWT is just a parameter).
  const params = [...parameters(query), ...parameters(form)].filter(([name]) => name !== 'jwt');
  // toUpperCase of an ASCII token is locale-free (toLocaleUpperCase would not be).
  return [method.toUpperCase(), canonicalUri(path, basePath), canonicalQuery(params)].join('&');
}

// scheme://host:port of an absolute http(s) URL, or null when it is not one.
function origin(scheme, authority) {
  scheme = scheme.toLowerCase();
  const m = AUTHORITY.exec(authority); // no match for '', for userinfo (@), for bad brackets
  if (!DEFAULT_PORTS.has(scheme) || !m || authority.includes('@')) {
    return null;
  }
  const port = m[2] ? Number(m[2]) : DEFAULT_PORTS.get(scheme);
  return port > 65535 ? null : `${scheme}://${m[1].toLowerCase()}:${port}`;
}

// The origin and path of the base URL ('' for none).
function parseBaseUrl(baseUrl) {
  if (baseUrl === '') {
    return { origin: null, path: '' };
  }
  check(byteLength(baseUrl) <= MAX_BASE_URL, 'QSH_E_BASE_URL_TOO_LONG', 'base URL over 4096 bytes');
  const m = ON_THE_WIRE.test(baseUrl) ? ABSOLUTE.exec(baseUrl) : null;
  const o = m && origin(m[1], m[2]);
  check(o && !/[?#]/.test(m[3]) && !BAD_ESCAPE.test(m[3]), 'QSH_E_BASE_URL_INVALID',
    'the base URL is not an absolute http(s) URL');
  return { origin: o, path: m[3] };
}

// The body when it holds form parameters, else ''. As Jira's Tomcat reads it: only for the
// method exactly POST, the media type exactly (case-sensitive) the form type.
function formBody(method, body, contentType) {
  const media = (contentType ?? '').split(';')[0].replace(/^[ \t]+|[ \t]+$/g, '');
  if (method !== 'POST' || media !== FORM) {
    return '';
  }
  body = body || '';
  check(byteLength(body) <= MAX_BODY, 'QSH_E_BODY_TOO_LONG', `body over ${MAX_BODY} bytes`);
  check(ON_THE_WIRE.test(body), 'QSH_E_BODY_BYTE',
    'a space, control or non-ASCII character in the body');
  return body;
}

// The path and the raw query of the request target (origin or absolute form).
function splitTarget(target, baseOrigin) {
  check(target !== '', 'QSH_E_TARGET_EMPTY', 'empty request target');
  check(byteLength(target) <= MAX_TARGET, 'QSH_E_TARGET_TOO_LONG', 'target over 1 MiB');
  check(ON_THE_WIRE.test(target), 'QSH_E_TARGET_BYTE',
    'a space, control or non-ASCII character in the target');
  const m = ABSOLUTE.exec(target);
  if (m) {
    check(DEFAULT_PORTS.has(m[1].toLowerCase()), 'QSH_E_URL_SCHEME', 'not an http(s) URL');
    const o = origin(m[1], m[2]);
    check(o !== null, 'QSH_E_URL_INVALID', 'an absolute target with a bad host or port');
    // Its path cannot be made relative to a base URL on another origin.
    check(baseOrigin === null || o === baseOrigin, 'QSH_E_ORIGIN_MISMATCH',
      'the target is on another origin');
    target = m[3];
  }
  const [path, ...query] = target.split('#')[0].split('?'); // the first ? splits
  return { path, query: query.join('?') };
}

function canonicalUri(path, basePath) {
  // The base path goes only on a segment boundary: /wiki/x -> /x, /wiki -> '', /wikipedia stays.
  basePath = basePath.replace(/\/+$/, '');
  if (basePath !== '' && (path === basePath || path.startsWith(basePath + '/'))) {
    path = path.slice(basePath.length);
  }
  if (path.length > 1 && path.endsWith('/')) {
    path = path.slice(0, -1); // exactly one trailing slash: /p// -> /p/
  }
  if (!path.startsWith('/')) {
    path = '/' + path;
  }
  // A raw & in the path would read as a parameter separator of the canonical request.
  return path.replaceAll('&', '%26');
}

// Percent-decodes text as UTF-8; bytes that are not UTF-8 are refused with utf8Status.
// decodeURIComponent throws on them (overlongs, surrogates, beyond U+10FFFF, cut short), so
// nothing is replaced by U+FFFD.
function unescape(text, plusIsSpace, utf8Status = 'QSH_E_UTF8_INVALID') {
  check(!BAD_ESCAPE.test(text), 'QSH_E_PERCENT_MALFORMED', 'a % without two hex digits');
  try {
    // + is a space in form data, replaced before decoding so that %2B stays a +.
    return decodeURIComponent(plusIsSpace ? text.replaceAll('+', ' ') : text);
  } catch (e) {
    throw new QshError(utf8Status, 'decoded bytes that are not UTF-8');
  }
}

// The [name, value] strings of a raw query or form body, decoded as form data.
function parameters(data) {
  const params = [];
  // Only & splits (a ; is data); an empty piece (&&, a leading or trailing &) is skipped.
  for (const piece of data.split('&').filter((p) => p !== '')) {
    const eq = piece.indexOf('='); // the first = splits; 'a' is a=''
    const name = unescape(eq < 0 ? piece : piece.slice(0, eq), true);
    const value = unescape(eq < 0 ? '' : piece.slice(eq + 1), true);
    if (name !== '') { // an empty name is dropped, as Tomcat does
      params.push([name, value]);
    }
  }
  return params;
}

// Every UTF-8 byte outside A-Z a-z 0-9 - . _ ~ as %XX in upper case. encodeURIComponent
// leaves ! ' ( ) * as they are, so they are encoded here; a space is %20, + is %2B.
function encode(text) {
  const hex = (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase();
  return encodeURIComponent(text).replace(/[!'()*]/g, hex);
}

function canonicalQuery(params) {
  const groups = new Map();
  for (const [name, value] of params) {
    const key = encode(name);
    groups.set(key, groups.get(key) ?? []);
    groups.get(key).push(value);
  }
  // Values sort by their decoded text in UTF-16 code units, as Java's String.compareTo does;
  // that is how JavaScript compares strings (it differs from code-point order above U+FFFF).
  // Names sort by their encoded bytes: ASCII, so the same comparison.
  const byCodeUnits = (a, b) => (a < b ? -1 : a > b ? 1 : 0);
  return [...groups.keys()]
    .sort(byCodeUnits)
    .map((name) => name + '=' + groups.get(name).sort(byCodeUnits).map(encode).join(','))
    .join('&');
}

module.exports = { qsh, canonicalRequest, parameters, QshError };
