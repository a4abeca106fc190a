'use strict';
// qshcheck adapter for the npm package atlassian-jwt (or @atlassian/atlassian-jwt with
// --scoped), called as its README shows for an app signing a request to a product:
//   const req = jwt.fromMethodAndUrl(method, url);
//   jwt.createQueryStringHash(req, checkBodyForParams, baseUrl)
// The URL is the request target as sent; baseUrl is the tenant's base URL (Confluence's ends
// in /wiki), which the library strips. A form-encoded POST or PUT body is given the way an
// Express app would have parsed it, with checkBodyForParams set.
const querystring = require('querystring');
const {serve, isFormPost} = require('./lib/protocol');

const scoped = process.argv.includes('--scoped');
const name = scoped ? '@atlassian/atlassian-jwt' : 'atlassian-jwt';
const jwt = require(name);
const version = require(name + '/package.json').version;

serve({name, version, operations: ['canonical', 'qsh'], profiles: ['server', 'product']},
      (r) => {
        const req = jwt.fromMethodAndUrl(r.method, r.target);
        const withBody = isFormPost(r);
        if (withBody) {
          req.body = querystring.parse(r.body);
        }
        return {
          canonicalRequest: jwt.createCanonicalRequest(req, withBody, r.baseUrl),
          qsh: jwt.createQueryStringHash(req, withBody, r.baseUrl),
        };
      });
