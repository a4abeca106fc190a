'use strict';
// qshcheck adapter for the Forge Invocation Token middleware of atlassian-connect-express
// (ACE) 11.5.3, lib/middleware/verify-forge-invocation-token.js (built on jose), on the FIT
// vectors (the verify operation; other cases are skipped). Each case is a real HTTP request
// over loopback to an Express app whose route sits behind ACE's own middleware,
// authenticate(addon), with the case's app id as ACE's appId: the route answers 204 when the
// middleware calls next(), the middleware itself 401 when it refuses.
//
// The JWKS request: the middleware picks the JWKS URL itself (from the token's unverified
// app.apiBaseUrl: https://forge.cdn.stg.atlassian-dev.net/.well-known/jwks.json when it starts
// with https://api.stg.atlassian.com/, else the prod one) and jose fetches it with
// require('node:https').get. This adapter replaces that https.get, in its own process only,
// by one that sends a request for either of those two hosts to a JWKS server on 127.0.0.1
// (plain HTTP, loopback only) and refuses every other host. The loopback server answers the
// prod URL with the case's JWKS (the keys the verifier is meant to trust) and the staging URL
// with the staging JWKS: the test staging key (vectors/keys/test-staging-rsa-public.pem, kid
// forge-stg-key-1), standing for what Atlassian publishes there. Nothing leaves the machine.
//
// jose reads the clock through `new Date()`; the adapter pins Date to the case's `now`.
const fs = require('fs');
const http = require('http');
const https = require('node:https');
const path = require('path');
const crypto = require('crypto');
const express = require('express');
const {serve} = require('./lib/protocol');

const aceDir = path.dirname(require.resolve('atlassian-connect-express/package.json'));
const version = require('atlassian-connect-express/package.json').version;
const {authenticate} = require(path.join(aceDir, 'lib/middleware/verify-forge-invocation-token'));

const PROD_HOST = 'forge.cdn.prod.atlassian-dev.net';
const STG_HOST = 'forge.cdn.stg.atlassian-dev.net';
const STAGING_KID = 'forge-stg-key-1'; // the kid vectors/tools/gen_tokens.py signs staging FITs with

let current = null; // the case being served

// The clock: jose's `new Date()` and Date.now() give the case's `now`.
const RealDate = Date;
class CaseDate extends RealDate {
  constructor(...args) {
    if (args.length === 0) {
      super(current ? current.now * 1000 : RealDate.now());
    } else {
      super(...args);
    }
  }
  static now() {
    return current ? current.now * 1000 : RealDate.now();
  }
}
global.Date = CaseDate;

function stagingJwks() {
  const pem = fs.readFileSync(path.join(__dirname, '..', '..', '..', 'vectors', 'keys', 'test-staging-rsa-public.pem'));
  const jwk = crypto.createPublicKey(pem).export({format: 'jwk'});
  return JSON.stringify({keys: [Object.assign(jwk, {kid: STAGING_KID, use: 'sig', alg: 'RS256'})]});
}
const STAGING_JWKS = stagingJwks();

// The loopback JWKS server.
const jwksServer = http.createServer((req, res) => {
  const body = req.headers['x-qshcheck-host'] === STG_HOST ? STAGING_JWKS : current.jwks;
  if (current) {
    current.fetched.push(req.headers['x-qshcheck-host']);
  }
  res.writeHead(200, {'content-type': 'application/json'});
  res.end(body);
});

// jose's https.get, redirected: the two Forge JWKS hosts go to the loopback server.
https.get = function (url, options, callback) {
  const u = new URL(url);
  if (u.protocol !== 'https:' || (u.hostname !== PROD_HOST && u.hostname !== STG_HOST)) {
    throw new Error('the adapter sends no request to ' + u.host);
  }
  const headers = Object.assign({}, options && options.headers, {'x-qshcheck-host': u.hostname});
  return http.get({host: '127.0.0.1', port: jwksServer.address().port, path: u.pathname, headers,
                   timeout: 2000}, callback);
};

const app = express();
app.use((req, res, next) => {
  req.context = {};
  next();
});
app.use((req, res, next) => {
  const addon = {
    config: {appId: () => current.appId, expressErrorHandling: () => false},
    logger: {error() {}, warn() {}, info() {}},
    forgeAppTokenCache: {setForgeAppToken: async () => {}},
  };
  return authenticate(addon)(req, res, next);
});
app.all('*', (req, res) => res.status(204).end());

const server = app.listen(0, '127.0.0.1', () => {
  jwksServer.listen(0, '127.0.0.1', () => {
    const port = server.address().port;
    serve({name: 'atlassian-connect-express', version, operations: ['verify'], profiles: ['server', 'product']},
          (r) => new Promise((resolve, reject) => {
            if (r.kind !== 'forge-invocation') {
              resolve({skipped: 'not a Forge Invocation Token'});
              return;
            }
            current = {now: r.now, jwks: r.jwks, appId: r.appId, fetched: []};
            const headers = {};
            if (r.authorization !== undefined) {
              headers.authorization = r.authorization;
            }
            let creq;
            try {
              creq = http.request({host: '127.0.0.1', port, method: r.method, path: r.target, headers}, (res) => {
                res.resume();
                res.on('end', () => {
                  if (res.statusCode === 204) {
                    resolve({valid: true});
                  } else {
                    reject(new Error('HTTP ' + res.statusCode + ' (JWKS fetched from: ' +
                                     (current.fetched.join(', ') || 'none') + ')'));
                  }
                });
              });
            } catch (e) {
              reject(new Error('Node cannot send it: ' + e.message));
              return;
            }
            creq.setTimeout(5000, () => creq.destroy(new Error('no answer in 5 s')));
            creq.on('error', (e) => reject(new Error('HTTP: ' + e.message)));
            creq.end();
          }));
  });
});
