#!/usr/bin/env python3
# SPDX-License-Identifier: ISC
"""worker.py: the worker of the example stack: no socket of its own; it
calls the API every WORK_INTERVAL seconds and says what it got."""
import os
import signal
import sys
import time
import urllib.request

api = os.environ.get("HOLDPORTS_SOCKET_API", "127.0.0.1:8081")
interval = float(os.environ.get("WORK_INTERVAL", "2"))
signal.signal(signal.SIGTERM, lambda s, f: sys.exit(0))
n = 0
while True:
    n += 1
    with urllib.request.urlopen(f"http://{api}/pid", timeout=10) as r:
        print(f"worker: job {n} done by api pid {r.read().decode().strip()}",
              flush=True)
    time.sleep(interval)
