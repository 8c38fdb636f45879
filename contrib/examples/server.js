#!/usr/bin/env node
// SPDX-License-Identifier: ISC
// server.js: a holdports child in Node.js, no packages needed.
'use strict';
const http = require('http');

// The fd of the socket named name that holdports or systemd passed, or null.
function passed(name) {
  if (process.env.LISTEN_PID !== String(process.pid)) {
    return null; // not for us: our parent's, or no socket at all
  }
  const n = Number(process.env.LISTEN_FDS) || 0;
  const i = (process.env.LISTEN_FDNAMES || '').split(':').indexOf(name);
  return i >= 0 && i < n ? 3 + i : null;
}

const server = http.createServer((req, res) => {
  const pid = process.pid;
  const body = req.url === '/pid' ? `${pid}\n` : `hello, pid ${pid}\n`;
  res.writeHead(200, {
    'Content-Type': 'text/plain',
    'Content-Length': Buffer.byteLength(body),
  });
  res.end(body);
});

const fd = passed('http');
const where = fd !== null
  ? { fd }
  : { host: '127.0.0.1', port: Number(process.env.PORT || 8080) };
server.listen(where, () => {
  const a = server.address();
  console.error(`server.js: pid ${process.pid} on ${a.address}:${a.port}`);
});
// SIGTERM: stop accepting and exit once the requests in hand are
// answered. close(2) our copy only: holdports keeps the socket.
process.on('SIGTERM', () => {
  server.close();
  server.closeIdleConnections?.(); // Node >= 18.2: idle keep-alive ones
});
