'use strict';
// The recipe's program: the qshcheck line protocol on stdin/stdout (no arguments), or
//   node adapter.js sign SECRET ISS NOW METHOD TARGET BASE_URL   prints "JWT <token>"
//   node adapter.js example NOW                                  the seed example's header
const crypto = require('crypto');
const readline = require('readline');
const { sign, verify, verifyForgeInvocation, JwtError } = require('./connect-jwt');
const { canonicalRequest, QshError } = require('./connect-qsh');

const USAGE = `usage: node adapter.js
       node adapter.js sign SECRET ISS NOW METHOD TARGET BASE_URL
       node adapter.js example NOW
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
