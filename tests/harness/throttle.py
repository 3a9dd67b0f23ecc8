#!/usr/bin/env python3
"""A slow link for the integration tests: a TCP relay that carries what the
server sends at RATE bytes a second (what the client sends goes at once).

    throttle.py TARGET_PORT RATE

Listens on a free port of 127.0.0.1, prints "ready PORT" on stdout once it
accepts, and for every connection opens one to 127.0.0.1:TARGET_PORT.  One
token bucket for all connections (one link), refilled RATE bytes a second,
holding at most a tenth of a second's worth.

Why: a test that must catch a pull in flight (cut it between two tables,
interrupt it mid-table) needs a pull that lasts a few seconds.  Big tables
compressed hard on the server did that at the cost of the machine's CPU,
which the other tests share; a slow link does it with little data and no
CPU.

The relay buffers little (small socket buffers, one read at a time), so
that a server that dies is seen at once: when the server's side of a
connection closes or fails (the sshd serving it was killed), the client's
side is closed at once, with whatever was not delivered yet: a link that
was cut.  When the client closes first, its end is passed on and the
server's last bytes still flow.
"""
import os
import select
import socket
import sys
import time

CHUNK = 16384
SOCKBUF = 65536


def set_small_buffers(s):
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, SOCKBUF)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, SOCKBUF)


class Conn:
    """One relayed connection: a client socket and a server socket, and the
    bytes read from one side and not yet written to the other."""

    def __init__(self, client, server):
        self.client, self.server = client, server
        self.down = b""         # from the server, for the client
        self.up = b""           # from the client, for the server
        self.client_eof = False

    def close(self):
        for s in (self.client, self.server):
            try:
                s.close()
            except OSError:
                pass


def main():
    if len(sys.argv) != 3:
        sys.stderr.write("usage: throttle.py TARGET_PORT RATE\n")
        return 2
    target, rate = int(sys.argv[1]), float(sys.argv[2])
    burst = max(rate / 10, CHUNK)
    # Whole chunks only: reading whatever trickled in makes thousands of tiny reads.
    need = CHUNK
    lst = socket.socket()
    lst.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    lst.bind(("127.0.0.1", 0))
    lst.listen(16)
    print("ready", lst.getsockname()[1], flush=True)

    conns = []
    tokens, last = burst, time.monotonic()
    hup = select.POLLHUP | select.POLLERR | select.POLLRDHUP
    while True:
        now = time.monotonic()
        tokens = min(burst, tokens + (now - last) * rate)
        last = now
        poll = select.poll()
        poll.register(lst, select.POLLIN)
        owner = {}
        for c in conns:
            ev_s = hup
            if not c.down and tokens >= need:
                ev_s |= select.POLLIN
            if c.up:
                ev_s |= select.POLLOUT
            ev_c = 0
            if not c.up and not c.client_eof:
                ev_c |= select.POLLIN
            if c.down:
                ev_c |= select.POLLOUT
            poll.register(c.server, ev_s)
            poll.register(c.client, ev_c)
            owner[c.server.fileno()] = (c, "server")
            owner[c.client.fileno()] = (c, "client")
        # Out of tokens: wake when the next chunk may go.
        wait = None if tokens >= need else max(1, int((need - tokens) / rate * 1000))
        events = poll.poll(wait)
        dead = set()
        for fd, ev in events:
            if fd == lst.fileno():
                client, _ = lst.accept()
                server = socket.socket()
                set_small_buffers(server)
                set_small_buffers(client)
                try:
                    server.connect(("127.0.0.1", target))
                except OSError:
                    client.close()
                    server.close()
                    continue
                client.setblocking(False)
                server.setblocking(False)
                conns.append(Conn(client, server))
                continue
            c, side = owner[fd]
            if c in dead:
                continue
            try:
                if side == "server":
                    if ev & hup:
                        # The server is gone (killed, or it hung up): the link is cut,
                        # with what it still held.
                        dead.add(c)
                        continue
                    if ev & select.POLLIN and not c.down and tokens >= need:
                        data = c.server.recv(CHUNK)
                        if not data:
                            dead.add(c)
                            continue
                        tokens -= len(data)
                        c.down = data
                    if ev & select.POLLOUT and c.up:
                        c.up = c.up[c.server.send(c.up):]
                else:
                    if ev & select.POLLIN and not c.up:
                        data = c.client.recv(CHUNK)
                        if data:
                            c.up = data
                        else:
                            c.client_eof = True
                            c.server.shutdown(socket.SHUT_WR)
                    if ev & select.POLLOUT and c.down:
                        c.down = c.down[c.client.send(c.down):]
                    if ev & (select.POLLHUP | select.POLLERR):
                        dead.add(c)
            except (BlockingIOError, InterruptedError):
                pass
            except OSError:
                dead.add(c)
        for c in dead:
            c.close()
            conns.remove(c)


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        sys.exit(0)
