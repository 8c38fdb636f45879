#!/usr/bin/env python3
# SPDX-License-Identifier: ISC
"""server.py: a holdports child in Python, standard library only."""
import os
import signal
import socket
import sys
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer


def passed(name):
    """The socket named name that holdports or systemd passed, or None."""
    if os.environ.get("LISTEN_PID") != str(os.getpid()):
        return None  # not for us: our parent's, or no socket at all
    names = os.environ.get("LISTEN_FDNAMES", "").split(":")
    names = names[: int(os.environ.get("LISTEN_FDS", "0"))]
    if name not in names:
        return None
    return socket.socket(fileno=3 + names.index(name))


class Handler(BaseHTTPRequestHandler):
    def do_GET(self):
        pid = os.getpid()
        body = f"{pid}\n" if self.path == "/pid" else f"hello, pid {pid}\n"
        self.send_response(200)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body.encode())

    def log_message(self, format, *args):
        pass  # no line per request


def main():
    sock = passed("http")
    port = int(os.environ.get("PORT", "8080"))
    server = HTTPServer(("127.0.0.1", port), Handler, sock is None)
    if sock is not None:  # instead of the socket HTTPServer made
        server.socket.close()
        server.socket = sock
    host, port = server.socket.getsockname()[:2]
    print(f"server.py: pid {os.getpid()} on {host}:{port}", file=sys.stderr)

    def on_term(signo, frame):
        """Finish the request in hand, then exit: holdports keeps the
        socket. shutdown() waits for serve_forever(), so from a thread."""
        threading.Thread(target=server.shutdown).start()

    signal.signal(signal.SIGTERM, on_term)
    server.serve_forever(poll_interval=0.1)
    server.server_close()  # close(2) our copy; never shutdown(2) it


if __name__ == "__main__":
    main()
