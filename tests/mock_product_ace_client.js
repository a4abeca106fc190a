'use strict';
// atlassian-connect-express's HostClient as an app's outgoing calls, against the mock product
// (tests/test_mock_product_ace.py): one tenant whose baseUrl is the mock product's, then
// httpClient.get(PATH) for each path given; prints one JSON line per call with the status and
// the mock product's reason and diagnosis.
//
//   node mock_product_ace_client.js BASE_URL SECRET PATH...
//
// The app key (the token's iss) is qshcheck-mock-client. ACE reads its config and descriptor
// from files, written to a temporary folder removed on exit.
const fs = require('fs');
const os = require('os');
const path = require('path');
const express = require('express');
const ace = require('atlassian-connect-express');
const { memoryStore } = require(path.join(__dirname, '..', 'harness', 'adapters', 'node',
                                          'ace_memory_store.js'));

const [baseUrl, secret, ...paths] = process.argv.slice(2);
if (!baseUrl || !secret || paths.length === 0) {
  process.stderr.write('usage: mock_product_ace_client.js BASE_URL SECRET PATH...\n');
  process.exit(2);
}
const clientKey = 'qshcheck-mock-tenant';
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'qshcheck-ace-client-'));
process.on('exit', () => fs.rmSync(dir, {recursive: true, force: true}));

ace.store.register('qshcheck-memory', memoryStore);
fs.writeFileSync(path.join(dir, 'config.json'), JSON.stringify({
  development: {localBaseUrl: 'http://127.0.0.1:1', store: {adapter: 'qshcheck-memory'},
                product: 'jira', watch: false},
}));
fs.writeFileSync(path.join(dir, 'atlassian-connect.json'), JSON.stringify({
  key: 'qshcheck-mock-client', name: 'qshcheck mock product client', baseUrl: '{{localBaseUrl}}',
  authentication: {type: 'jwt'}, lifecycle: {installed: '/installed'},
}));
const quiet = new Proxy({}, {get: () => () => {}});
const files = {descriptorFilename: path.join(dir, 'atlassian-connect.json'),
               configFileName: path.join(dir, 'config.json')};
const addon = ace(express(), {}, quiet, files, async () => {
  await addon.settings.set('clientInfo', {
    key: 'qshcheck-mock-client', clientKey, sharedSecret: secret, baseUrl, productType: 'jira',
  }, clientKey);
  const client = addon.httpClient({clientKey});
  for (const p of paths) {
    const line = await new Promise((resolve) => {
      client.get(p, (err, res) => {
        if (err) {
          resolve({path: p, error: String(err)});
          return;
        }
        resolve({path: p, status: res.statusCode, reason: res.headers['x-qshcheck-reason'],
                 diagnosis: res.headers['x-qshcheck-diagnosis'] || null});
      });
    });
    process.stdout.write(JSON.stringify(line) + '\n');
  }
  process.exit(0);
});
