'use strict';
// The request mix of qshcheck-bench through npm atlassian-jwt, called as an app calls it:
// createQueryStringHash(fromMethodAndUrl(method, target), checkBodyForParams, baseUrl).
// Prints the median ns per qsh over repeated timed passes in one process.
//   node harness/bench/atlassian-jwt-bench.js harness/bench/requests.json
const fs = require('fs');
const path = require('path');
const querystring = require('querystring');
const jwt = require(require.resolve('atlassian-jwt', {paths: [path.join(__dirname, '..', 'adapters', 'node')]}));

const mix = JSON.parse(fs.readFileSync(process.argv[2] || path.join(__dirname, 'requests.json'), 'utf8')).requests;

function once() {
  let sink = 0;
  for (const r of mix) {
    const req = jwt.fromMethodAndUrl(r.method, r.target);
    const withBody = r.body !== undefined;
    if (withBody) {
      req.body = querystring.parse(r.body);
    }
    sink += jwt.createQueryStringHash(req, withBody, r.baseUrl || '').charCodeAt(0);
  }
  return sink;
}

for (let i = 0; i < 2000; i++) once(); // warm up the JIT
const samples = [];
let sink = 0;
for (let rep = 0; rep < 21; rep++) {
  const iters = 200;
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < iters; i++) sink += once();
  samples.push(Number(process.hrtime.bigint() - t0) / (iters * mix.length));
}
samples.sort((a, b) => a - b);
console.log('atlassian-jwt: ' + samples[10].toFixed(1) + ' ns per qsh (median of 21, node ' +
            process.version + ', checksum ' + (sink % 1000) + ')');
