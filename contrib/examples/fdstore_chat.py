#!/usr/bin/env python3
# SPDX-License-Identifier: ISC
"""fdstore_chat.py: a line echo server whose clients survive its restart,
standard library only (socket.send_fds needs Python 3.9). Each line gets
"PID: LINE" back. On SIGTERM it hands every client connection to the
supervisor (FDSTORE=1, FDNAME=client) and exits; the next instance finds
them after its listening socket and keeps serving them."""
import os
import select
import signal
import socket


def passed():
    """The listening socket and the clients the last instance stored
    (every descriptor named "client"), as sd_listen_fds(3) passes them."""
    if os.environ.get("LISTEN_PID") != str(os.getpid()):
        return None, []
    n = int(os.environ.get("LISTEN_FDS", "0"))
    names = os.environ.get("LISTEN_FDNAMES", ":".join(["unknown"] * n))
    listener, clients = None, []
    for i, name in enumerate(names.split(":")[:n]):
        if name == "client":
            clients.append(socket.socket(fileno=3 + i))
        elif listener is None:
            listener = socket.socket(fileno=3 + i)
    return listener, clients


def notify(state, fds=()):
    """Sends state, and the descriptors fds, to NOTIFY_SOCKET (sd_notify(3)).
    The datagram is queued in the supervisor's socket once this returns."""
    addr = os.environ.get("NOTIFY_SOCKET")
    if not addr:
        return  # no supervisor: the clients are closed at exit
    if addr[0] == "@":
        addr = "\0" + addr[1:]  # an abstract socket
    with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as s:
        s.connect(addr)  # send_fds() of Python 3.11 ignores its address
        socket.send_fds(s, [state.encode()], list(fds))


def main():
    listener, clients = passed()
    if listener is None:  # run alone
        port = int(os.environ.get("PORT", "8080"))
        listener = socket.create_server(("127.0.0.1", port))
    # SIGTERM only wakes poll(): the byte the signal writes makes wake
    # readable (Python retries poll() after a handler that returns).
    wake, wake_w = socket.socketpair()
    wake_w.setblocking(False)
    signal.set_wakeup_fd(wake_w.fileno())
    signal.signal(signal.SIGTERM, lambda signo, frame: None)

    poller = select.poll()
    conns = {}  # fd: [socket, bytes of a line not yet complete]

    def add(sock):
        # Blocking, as sendall() below expects: O_NONBLOCK belongs to the
        # open file, which a stored connection shares with its last holder.
        sock.setblocking(True)
        conns[sock.fileno()] = [sock, b""]
        poller.register(sock, select.POLLIN)

    def drop(fd):
        poller.unregister(fd)
        conns.pop(fd)[0].close()

    for sock in clients:
        add(sock)
    poller.register(wake, select.POLLIN)
    poller.register(listener, select.POLLIN)
    notify("READY=1")

    while True:
        for fd, _ in poller.poll():
            if fd == wake.fileno():
                # Stopping: hand each client to the supervisor, which
                # passes it to the next instance. Bytes of a line not yet
                # complete are lost: keep such state small.
                for sock, _ in conns.values():
                    notify("FDSTORE=1\nFDNAME=client", [sock.fileno()])
                return
            if fd == listener.fileno():
                try:
                    add(listener.accept()[0])
                except OSError:
                    pass  # the client left before we took it
                continue
            sock, pending = conns[fd]
            try:
                data = sock.recv(4096)
                *lines, conns[fd][1] = (pending + data).split(b"\n")
                for line in lines:
                    sock.sendall(b"%d: %s\n" % (os.getpid(), line))
            except OSError:
                data = b""
            if not data:  # gone
                drop(fd)


if __name__ == "__main__":
    main()
