'use strict';
// The test suite of a qsh library over the qshcheck-vectors package: one test per case, named
// FILE/TCID as qshcheck names them. The library here is the JavaScript recipe
// (recipes/javascript/connect-qsh.js); QSH_LIBRARY names another module with the same API.
// An acceptable case the library rejects is reported as skipped, with its status.
const test = require('node:test');
const assert = require('node:assert');
const fs = require('node:fs');
const path = require('node:path');

const lib = require(process.env.QSH_LIBRARY ||
                    path.join(__dirname, '../../../../recipes/javascript/connect-qsh.js'));
const index = require('qshcheck-vectors');
const root = path.dirname(require.resolve('qshcheck-vectors/package.json'));

function compute(t) {
  return lib.canonicalRequest(t.method, t.target, t.baseUrl, t.profile, t.body, t.contentType);
}

for (const entry of index.files.filter((f) => f.algorithm === 'ATLASSIAN-CONNECT-QSH')) {
  const doc = JSON.parse(fs.readFileSync(path.join(root, entry.file), 'utf8'));
  test.describe(entry.file, () => {
    for (const group of doc.testGroups) {
      for (const t of group.tests) {
        test.it(`${entry.file}/${t.tcId} ${t.comment}`, (ctx) => {
          if (t.result === 'invalid') {
            assert.throws(() => compute(t), lib.QshError);
            return;
          }
          let got;
          try {
            got = compute(t);
          } catch (e) {
            if (t.result === 'acceptable' && e instanceof lib.QshError) {
              ctx.skip(`acceptable case rejected: ${e.status}`);
              return;
            }
            throw e;
          }
          if (t.canonicalRequest !== undefined) {
            assert.strictEqual(got, t.canonicalRequest);
            assert.strictEqual(lib.qsh(t.method, t.target, t.baseUrl, t.profile, t.body,
                                       t.contentType), t.qsh);
          }
        });
      }
    }
  });
}
