'use strict';
// The recipe's program: the qshcheck line protocol on stdin/stdout (no arguments), or
//   node adapter.js sign SECRET ISS NOW METHOD TARGET BASE_URL   prints "JWT <token>"
//   node adapter.js example NOW                                  the seed example's header
//   node adapter.js call SECRET ISS METHOD TARGET BASE_URL       signs now and sends the call:
//                                                                prints the status, the body
const crypto = require('crypto');
const http = require('http');
const https = require('https');
const readline = require('readline');
const { sign, verify, verifyForgeInvocation, JwtError } = require('./connect-jwt');
const { canonicalRequest, QshError } = require('./connect-qsh');

const USAGE = `usage: node adapter.js
       node adapter.js sign SECRET ISS NOW METHOD TARGET BASE_URL
       node adapter.js example NOW
       node adapter.js call SECRET ISS METHOD TARGET BASE_URL
`;
const HELLO = {
  type: 'hello',
  protocol: 1,
  name: 'recipe-javascript',
  version: `1 (Node.js ${process.versions.node.split('.')[0]})`,
  operations: ['canonical', 'qsh', 'verify'],
  profiles: ['server', 'product'],
};

function answer(msg) {
  const { method, target, baseUrl, profile, body, contentType } = msg;
  if (msg.op === 'verify' && msg.kind === 'forge-invocation') {
    verifyForgeInvocation(msg.authorization, msg);
    return { valid: true };
  }
  if (msg.op === 'verify') {
    verify(method, target, baseUrl, msg);
    return { valid: true };
  }
  const canonical = canonicalRequest(method, target, baseUrl, profile, body, contentType);
  const hash = crypto.createHash('sha256').update(canonical, 'utf8').digest('hex');
  return msg.op === 'canonical' ? { canonicalRequest: canonical, qsh: hash } : { qsh: hash };
}

function reply(line) {
  let msg;
  try {
    msg = JSON.parse(line);
  } catch (e) {
    msg = null;
  }
  if (msg !== null && typeof msg === 'object' && msg.type === 'hello') {
    return HELLO;
  }
  if (msg === null || typeof msg !== 'object' || !Number.isInteger(msg.id)) {
    const shown = JSON.stringify(line.slice(0, 200));
    process.stderr.write(`adapter.js: not a protocol message: ${shown}\n`);
    return null;
  }
  try {
    return { id: msg.id, result: answer(msg) };
  } catch (e) {
    if (e instanceof QshError || e instanceof JwtError) {
      return { id: msg.id, error: { status: e.status, message: e.message } };
    }
    // A message missing what it needs: say so for this request, keep serving the others.
    return { id: msg.id, error: { status: 'BAD_REQUEST', message: String(e) } };
  }
}

function serve() {
  const lines = readline.createInterface({ input: process.stdin, crlfDelay: Infinity });
  lines.on('line', (line) => {
    const out = reply(line);
    if (out !== null) {
      process.stdout.write(JSON.stringify(out) + '\n');
    }
  });
}

// Signs an app-to-product call at the current time and sends it to the base URL's origin. The
// exit status is 0 when a response came (its status and body printed), 1 on a transport error,
// 2 on bad arguments.
function call(secret, iss, method, target, baseUrl) {
  let url;
  let authorization;
  try {
    url = new URL(baseUrl);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      throw new TypeError('not an http or https URL');
    }
    authorization = sign(secret, iss, method, target, baseUrl);
  } catch (e) { // a QshError too: a target or base URL that cannot be signed
    process.stderr.write(`adapter.js: cannot call ${target} on ${baseUrl}: ${e.message}\n`);
    return 2;
  }
  const fail = (e) => {
    process.stderr.write(`adapter.js: ${method} ${url.origin}${target}: ${e.message}\n`);
    process.exitCode = 1;
  };
  // http.request writes path into the request line as given (it refuses only characters that
  // cannot be sent), so the product hashes the very bytes that were signed; new URL() or
  // fetch() would normalize the target first.
  const options = { method, path: target, headers: { Authorization: authorization },
                    hostname: url.hostname.replace(/^\[(.*)\]$/, '$1'), port: url.port,
                    agent: false, timeout: 30000 };
  const request = (url.protocol === 'https:' ? https : http).request(options, (res) => {
    const chunks = [];
    res.on('data', (chunk) => chunks.push(chunk));
    res.on('error', fail);
    res.on('end', () => process.stdout.write(Buffer.concat([
      Buffer.from(`${res.statusCode}\n`), ...chunks])));
  });
  request.on('timeout', () => request.destroy(new Error('no answer within 30 s')));
  request.on('error', fail);
  request.end();
  return 0;
}

function main(args) {
  if (args.length === 0) {
    serve();
    return 0;
  }
  const integer = (text) => {
    if (!/^[0-9]+$/.test(text)) {
      throw new TypeError(`NOW must be seconds since the epoch, not ${JSON.stringify(text)}`);
    }
    return Number(text);
  };
  if (args[0] === 'sign' && args.length === 7) {
    const [, secret, iss, now, method, target, baseUrl] = args;
    console.log(sign(secret, iss, method, target, baseUrl, { now: integer(now) }));
    return 0;
  }
  if (args[0] === 'call' && args.length === 6) {
    return call(...args.slice(1));
  }
  if (args[0] === 'example' && args.length === 2) {
    // An app calls Jira on a tenant whose base URL has a context path: /jira is stripped.
    const target = '/jira/rest/api/latest/issue/TEST-2';
    const baseUrl = 'https://example.atlassian.net/jira';
    const now = integer(args[1]);
    console.log(sign('example-shared-secret', 'com.example.app', 'GET', target, baseUrl, { now }));
    return 0;
  }
  process.stderr.write(USAGE);
  return 2;
}

try {
  process.exitCode = main(process.argv.slice(2));
} catch (e) {
  process.stderr.write(`adapter.js: ${e.message}\n`);
  process.exitCode = 1;
}
