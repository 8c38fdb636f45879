#!/usr/bin/env python3
# SPDX-License-Identifier: ISC
"""api.py: the API of the example stack: JSON on the socket "api"."""
import json
import os
import signal
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, HTTPServer


def passed(name):
    """The socket named name that holdports or systemd passed, or None."""
    if os.environ.get("LISTEN_PID") != str(os.getpid()):
        return None
    names = os.environ.get("LISTEN_FDNAMES", "").split(":")
    names = names[: int(os.environ.get("LISTEN_FDS", "0"))]
    return socket.socket(fileno=3 + names.index(name)) if name in names else None


class Handler(BaseHTTPRequestHandler):
    def do_GET(self):
        if self.path == "/pid":
            body = f"{os.getpid()}\n"
            kind = "text/plain"
        else:
            body = json.dumps({"pid": os.getpid(), "time": time.time()}) + "\n"
            kind = "application/json"
        self.send_response(200)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body.encode())

    def log_message(self, format, *args):
        pass


def main():
    # A slow start, as a real API's (migrations, caches): the front end
    # and the worker may call it meanwhile; their connections wait in
    # the backlog of the socket holdports holds.
    time.sleep(float(os.environ.get("API_START_DELAY", "0")))
    sock = passed("api")
    server = HTTPServer(("127.0.0.1", 8081), Handler, sock is None)
    if sock is not None:
        server.socket.close()
        server.socket = sock
    print(f"api: pid {os.getpid()} serving", flush=True)
    signal.signal(signal.SIGTERM,
                  lambda s, f: threading.Thread(target=server.shutdown).start())
    server.serve_forever(poll_interval=0.1)
    server.server_close()


if __name__ == "__main__":
    main()
