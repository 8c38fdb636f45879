# SPDX-License-Identifier: ISC
"""wsgi.py: a WSGI application for gunicorn, which takes the sockets that
holdports passes (LISTEN_FDS, LISTEN_PID) by itself, with no change:

    holdports -l 8080=http -w wsgi.py -- gunicorn --chdir . wsgi:app

GET /pid answers with the pid of the gunicorn worker that serves it.
"""
import os


def app(environ, start_response):
    pid = os.getpid()
    if environ.get("PATH_INFO") == "/pid":
        body = f"{pid}\n"
    else:
        body = f"hello from gunicorn, worker pid {pid}\n"
    start_response("200 OK", [("Content-Type", "text/plain"),
                              ("Content-Length", str(len(body)))])
    return [body.encode()]
