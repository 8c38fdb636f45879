#!/usr/bin/env node
// SPDX-License-Identifier: ISC
// web.js: the front end of the example stack, on the socket "web": it
// answers /pid itself and passes /api/... to the API, whose address
// holdports gives every child of a stack as HOLDPORTS_SOCKET_API.
'use strict';
const http = require('http');

function passed(name) {
  if (process.env.LISTEN_PID !== String(process.pid)) return null;
  const n = Number(process.env.LISTEN_FDS) || 0;
  const i = (process.env.LISTEN_FDNAMES || '').split(':').indexOf(name);
  return i >= 0 && i < n ? 3 + i : null;
}

const api = process.env.HOLDPORTS_SOCKET_API || '127.0.0.1:8081';
const [apiHost, apiPort] = [api.replace(/:\d+$/, ''), api.replace(/^.*:/, '')];
// A fresh connection each time: a pooled one would be the old API's.
const agent = new http.Agent({ keepAlive: false });

const server = http.createServer((req, res) => {
  if (!req.url.startsWith('/api/')) {
    const body = req.url === '/pid' ? `${process.pid}\n` : 'web\n';
    res.writeHead(200, { 'Content-Type': 'text/plain' });
    res.end(body);
    return;
  }
  const up = http.request({
    host: apiHost, port: apiPort, agent,
    path: req.url.slice(4), method: req.method, headers: req.headers,
  }, (r) => {
    res.writeHead(r.statusCode, r.headers);
    r.pipe(res);
  });
  up.on('error', (e) => {
    res.writeHead(502, { 'Content-Type': 'text/plain' });
    res.end(`api: ${e.message}\n`);
  });
  req.pipe(up);
});

const fd = passed('web');
server.listen(fd !== null ? { fd } : { host: '127.0.0.1', port: 8080 }, () => {
  console.log(`web: pid ${process.pid} serving, API at ${api}`);
});
process.on('SIGTERM', () => {
  server.close();
  server.closeIdleConnections?.();
});
