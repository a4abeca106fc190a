'use strict';
// A tiny Connect app on Node's http module that verifies the product's tokens with the
// JavaScript recipe (recipes/javascript/connect-jwt.js): the recipe's verifier behind the probe
// (tests/test_probe_recipes.py).
//
//   node recipe_js_app.js --secret S --client-key K [--keys URL]
//
// Listens on 127.0.0.1 on an ephemeral port and prints the port on stdout. The routes are those
// of connect_app.py: /module, /webhook, /installed, /uninstalled, /enabled, /disabled, /context.
// With --keys, the lifecycle routes take signed installs, their key fetched from URL/KID.
const http = require('http');
const path = require('path');
const { verify, JwtError } = require(path.join(__dirname, '..', '..', 'recipes', 'javascript',
                                              'connect-jwt.js'));

const KINDS = { '/module': 'module', '/webhook': 'webhook', '/context': 'context',
                '/installed': 'lifecycle', '/uninstalled': 'lifecycle', '/enabled': 'lifecycle',
                '/disabled': 'lifecycle' };
const MAX_BODY = 65536;

const args = {};
for (let i = 2; i + 1 < process.argv.length; i += 2) {
  args[process.argv[i].replace(/^--/, '')] = process.argv[i + 1];
}
if (!args.secret || !args['client-key']) {
  process.stderr.write('usage: recipe_js_app.js --secret S --client-key K [--keys URL]\n');
  process.exit(2);
}

// The kid of the token in Authorization, read unverified, if a URL can hold it.
function unverifiedKid(authorization) {
  try {
    const header = JSON.parse(Buffer.from((authorization || '').slice(4).split('.')[0],
                                          'base64url').toString());
    return typeof header.kid === 'string' && /^[A-Za-z0-9._-]{1,128}$/.test(header.kid)
      ? header.kid : undefined;
  } catch (e) {
    return undefined;
  }
}

function fetchKey(kid) {
  return new Promise((resolve) => {
    if (kid === undefined) {
      return resolve({});
    }
    const req = http.get(`${args.keys}/${kid}`, { timeout: 5000 }, (res) => {
      let pem = '';
      res.setEncoding('ascii');
      res.on('data', (d) => { pem += d; });
      res.on('end', () => resolve(res.statusCode === 200 ? { [kid]: pem } : {}));
    });
    req.on('error', () => resolve({}));
    req.on('timeout', () => req.destroy());
  });
}

async function handle(req, body, port) {
  let kind = KINDS[req.url.split('?')[0]];
  if (kind === undefined) {
    return [404, 'no such route'];
  }
  const baseUrl = `http://127.0.0.1:${port}`;
  let clientKey = '';
  try {
    const parsed = JSON.parse(body || '{}');
    clientKey = typeof parsed.clientKey === 'string' ? parsed.clientKey : '';
  } catch (e) {
    clientKey = '';
  }
  const options = { kind, secrets: { [args['client-key']]: args.secret },
                    authorization: req.headers.authorization, body,
                    contentType: req.headers['content-type'] };
  if (args.keys && kind === 'lifecycle') {
    kind = options.kind = 'install';
    options.publicKeys = await fetchKey(unverifiedKid(req.headers.authorization));
    options.audience = baseUrl;
    options.clientKey = clientKey;
  }
  try {
    const claims = verify(req.method, req.url, baseUrl, options);
    if ((kind === 'lifecycle' || kind === 'install') && claims.iss !== clientKey) {
      return [401, "the body's clientKey is not the token's iss"];
    }
  } catch (e) {
    if (e instanceof JwtError) {
      return [401, `invalid token: ${e.message}`];
    }
    throw e;
  }
  return [200, 'ok'];
}

const server = http.createServer((req, res) => {
  let body = '';
  let size = 0;
  req.setEncoding('utf8');
  req.on('data', (d) => {
    size += Buffer.byteLength(d);
    if (size <= MAX_BODY) {
      body += d;
    }
  });
  req.on('end', () => {
    const answer = size > MAX_BODY ? Promise.resolve([413, 'body too large'])
      : handle(req, size ? body : undefined, server.address().port);
    answer.catch(() => [500, 'error']).then(([status, text]) => {
      res.writeHead(status, { 'Content-Type': 'text/plain' });
      res.end(text);
    });
  });
});
server.listen(0, '127.0.0.1', () => process.stdout.write(`${server.address().port}\n`));
for (const signal of ['SIGTERM', 'SIGINT']) {
  process.on(signal, () => server.close(() => process.exit(0)));
}
