'use strict';
// The qshcheck line protocol (harness/protocol/PROTOCOL.md) for an adapter: reads one JSON request a
// line, answers each with one line, in order. `handle(request)` returns
// {canonicalRequest, qsh} (either may be missing) or throws; a thrown error becomes an
// `error` answer whose status is the error's message.
const readline = require('readline');

function serve(hello, handle) {
  const rl = readline.createInterface({input: process.stdin, terminal: false});
  let chain = Promise.resolve();
  const write = (obj) => process.stdout.write(JSON.stringify(obj) + '\n');
  rl.on('line', (line) => {
    chain = chain.then(async () => {
      const msg = JSON.parse(line);
      if (msg.type === 'hello') {
        write(Object.assign({type: 'hello', protocol: 1}, hello));
        return;
      }
      try {
        const result = await handle(msg);
        // {skipped: reason}: the adapter cannot answer this case (PROTOCOL.md).
        write(result && result.skipped !== undefined ? {id: msg.id, skipped: result.skipped} : {id: msg.id, result});
      } catch (e) {
        write({id: msg.id, error: {status: String(e && e.message ? e.message : e).slice(0, 200)}});
      }
    });
  });
  rl.on('close', () => chain.then(() => process.exit(0)));
}

// The library's view of a form body, as an Express app's urlencoded body parser gives it.
function isFormPost(req) {
  const m = (req.method || '').toUpperCase();
  const type = (req.contentType || '').split(';')[0].trim().toLowerCase();
  return req.body !== undefined && (m === 'POST' || m === 'PUT') &&
      type === 'application/x-www-form-urlencoded';
}

module.exports = {serve, isFormPost};
