'use strict';
// An atlassian-connect-express app on a real Express server, the subject of the probe
// (tests/test_probe_ace.py): one tenant registered in its store, and the routes an ACE app
// protects with each of ACE's verifiers.
//
//   node ace_app.js --secret S --client-key K [--product jira|bitbucket]
//
// With jira, installs are signed (RS256) and ACE fetches their key from
// $CONNECT_KEYS_CDN_URL/KID; the test points it at the probe's key server. With bitbucket, a
// re-install is authenticated with the tenant's shared secret (HS256).
//
// Listens on 127.0.0.1 on an ephemeral port and prints the port on stdout. Routes:
//   GET  /module        addon.authenticate()       (an iframe URL)
//   POST /webhook       addon.authenticate()       (a webhook)
//   GET  /context       addon.authenticate(true)   (a context-token endpoint)
//   GET  /context-token addon.checkValidToken()    (a context-token endpoint)
//   POST /installed     ACE's own installed route (verifyInstallation, then saving the tenant)
//   POST /uninstalled   addon.authenticateInstall()
// The store is an adapter registered through ACE's store registry that keeps the tenants in
// memory (ACE's default, sequelize's memory dialect, needs sqlite3). ACE reads its config and
// descriptor from files; they are written to a temporary folder removed on exit.
const fs = require('fs');
const http = require('http');
const os = require('os');
const path = require('path');
const { memoryStore } = require('./ace_memory_store.js');
const express = require('express');
const ace = require('atlassian-connect-express');

function options(argv) {
  const o = {product: 'jira'};
  for (let i = 0; i < argv.length; i += 2) {
    const name = argv[i].replace(/^--/, '');
    if (!['secret', 'client-key', 'product'].includes(name) || i + 1 >= argv.length) {
      process.stderr.write(`usage: ace_app.js --secret S --client-key K [--product P]\n`);
      process.exit(2);
    }
    o[name] = argv[i + 1];
  }
  if (!o.secret || !o['client-key']) {
    process.stderr.write('ace_app.js needs --secret and --client-key\n');
    process.exit(2);
  }
  return o;
}

const o = options(process.argv.slice(2));
const quiet = new Proxy({}, {get: () => () => {}});
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'qshcheck-ace-'));
const cleanup = () => fs.rmSync(dir, {recursive: true, force: true});
process.on('exit', cleanup);
for (const signal of ['SIGTERM', 'SIGINT']) {
  process.on(signal, () => process.exit(0));
}

ace.store.register('qshcheck-memory', memoryStore);
const app = express();
app.use(express.json());
app.use(express.urlencoded({extended: false}));
const server = http.createServer(app);
server.listen(0, '127.0.0.1', () => {
  const baseUrl = `http://127.0.0.1:${server.address().port}`;
  fs.writeFileSync(path.join(dir, 'config.json'), JSON.stringify({
    development: {localBaseUrl: baseUrl, store: {adapter: 'qshcheck-memory'}, product: o.product,
                  watch: false},
  }));
  fs.writeFileSync(path.join(dir, 'atlassian-connect.json'), JSON.stringify({
    key: 'qshcheck-probe', name: 'qshcheck probe subject', baseUrl: '{{localBaseUrl}}',
    authentication: {type: 'jwt'},
    lifecycle: {installed: '/installed', uninstalled: '/uninstalled'},
  }));
  const files = {descriptorFilename: path.join(dir, 'atlassian-connect.json'),
                 configFileName: path.join(dir, 'config.json')};
  const addon = ace(app, {}, quiet, files, async () => {
    const ok = (req, res) => res.status(200).send('ok');
    app.get('/module', addon.authenticate(), ok);
    app.post('/webhook', addon.authenticate(), ok);
    app.get('/context', addon.authenticate(true), ok);
    app.get('/context-token', addon.checkValidToken(), ok);
    app.post('/uninstalled', addon.authenticateInstall(), ok);
    await addon.settings.set('clientInfo', {
      key: 'qshcheck-probe', clientKey: o['client-key'], sharedSecret: o.secret,
      baseUrl: 'https://qshcheck-probe.invalid', productType: o.product,
    }, o['client-key']);
    process.stdout.write(`${server.address().port}\n`);
  });
});
