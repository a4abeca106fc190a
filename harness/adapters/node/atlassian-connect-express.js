'use strict';
// qshcheck adapter for atlassian-connect-express (ACE), on its real request-verification
// path: each case is sent as a real HTTP request over loopback to an Express app with the
// urlencoded body parser that ACE apps use, and the route computes what ACE's
// utils.validateQshFromRequest computes (with ACE's own copy of atlassian-jwt and the app's
// baseUrl from ACE's config): jwt.createQueryStringHash(jwt.fromExpressRequest(req),
// checkBody, addon.config.baseUrl.href), checkBody set when the request has a form body. The
// adapter then has ACE's validateQshFromRequest accept a token claiming that hash, to prove it
// is one that ACE checks against.
const http = require('http');
const path = require('path');
const express = require('express');
const {serve} = require('./lib/protocol');

const aceDir = path.dirname(require.resolve('atlassian-connect-express/package.json'));
const version = require('atlassian-connect-express/package.json').version;
const utils = require(path.join(aceDir, 'lib/internal/utils'));
const jwt = require(require.resolve('atlassian-jwt', {paths: [aceDir]}));

let current = null; // the case being served: its base URL, and where its answer goes

const app = express();
app.use(express.urlencoded({extended: false}));
app.all('*', (req, res) => {
  const {baseUrl, resolve} = current;
  const addon = {
    config: {baseUrl: new URL(baseUrl || 'https://app.example.com')},
    logger: {error() {}, warn() {}, info() {}},
  };
  // validateQshFromRequest accepts the hash without the body, then, failing that, the hash
  // with the form body's parameters; a request with a form body is answered with the latter.
  const jwtRequest = jwt.fromExpressRequest(req);
  const withBody = req.body !== undefined && Object.keys(req.body).length > 0;
  const canonicalRequest = jwt.createCanonicalRequest(jwtRequest, withBody, addon.config.baseUrl.href);
  const qsh = jwt.createQueryStringHash(jwtRequest, withBody, addon.config.baseUrl.href);
  const accepted = utils.validateQshFromRequest({qsh}, req, addon, false);
  resolve(accepted ? {canonicalRequest, qsh} : new Error('ACE rejected its own hash'));
  res.status(204).end();
});

const server = app.listen(0, '127.0.0.1', () => {
  const port = server.address().port;
  serve({name: 'atlassian-connect-express', version, operations: ['canonical', 'qsh'],
         profiles: ['server', 'product']},
        (r) => new Promise((resolve, reject) => {
          current = {baseUrl: r.baseUrl, resolve: (v) => (v instanceof Error ? reject(v) : resolve(v))};
          const headers = {};
          if (r.body !== undefined) {
            headers['content-type'] = r.contentType;
            headers['content-length'] = Buffer.byteLength(r.body);
          }
          let creq;
          try {
            creq = http.request({host: '127.0.0.1', port, method: r.method, path: r.target, headers}, (res) => {
              res.resume();
              if (res.statusCode !== 204) {
                reject(new Error('the HTTP server answered ' + res.statusCode));
              }
            });
          } catch (e) {
            reject(new Error('Node cannot send it: ' + e.message));
            return;
          }
          creq.on('error', (e) => reject(new Error('HTTP: ' + e.message)));
          creq.end(r.body);
        }));
});
