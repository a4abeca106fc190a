'use strict';
// An in-memory store for atlassian-connect-express (the adapter interface of its lib/store.js),
// so that its apps on the loopback keep their one tenant without a database: the probe's subject
// (ace_app.js) and the mock product's client (tests/mock_product_ace_client.js).
function memoryStore() {
  const data = new Map();
  const id = (key, clientKey) => `${clientKey}/${key}`;
  return {
    isMemoryStore: () => true,
    async get(key, clientKey) {
      return data.has(id(key, clientKey)) ? JSON.parse(data.get(id(key, clientKey))) : null;
    },
    async set(key, value, clientKey) {
      data.set(id(key, clientKey), typeof value === 'string' ? value : JSON.stringify(value));
      return this.get(key, clientKey);
    },
    async saveInstallation(value, clientKey) {
      return this.set('clientInfo', value, clientKey);
    },
    async del(key, clientKey) {
      data.delete(id(key, clientKey));
    },
    async getAllClientInfos() {
      return [...data.entries()].filter(([k]) => k.endsWith('/clientInfo')).map(([, v]) => JSON.parse(v));
    },
  };
}

module.exports = { memoryStore };
