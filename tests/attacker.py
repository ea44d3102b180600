#!/usr/bin/env python3
"""A connection attacker for the listeners' tests (tests/cwmp_cr_limits.sh, wui_conn_limits.sh).

usage: attacker.py STATUS PORT[,PORT...] [--hold ADDR:N]... [--slowloris ADDR:N]
                   [--junk PER_SECOND] [--seconds S]

--hold ADDR:N       N idle connections bound to ADDR, spread over the ports in turn; each one
                    the server closes is opened again at once
--slowloris ADDR:N  N connections to the first port sending a request header one byte every
                    0.3 s; each one closed is opened again and its life recorded
--junk R            R connections a second to the first port, each sending a junk request
                    and closing

STATUS is written once the connections are opened and then every 0.3 s:
"reopened N junk J slowloris S longest L" (S slowloris connections closed so far, L the longest
life of those in seconds). Runs for S seconds (default 300); the test stops it by PID.
"""
import os
import selectors
import socket
import sys
import time


def main(argv):
    if len(argv) < 3:
        sys.exit(__doc__)
    status, ports = argv[1], [int(p) for p in argv[2].split(",")]
    holds, slows, junk_rate, seconds = [], [], 0.0, 300.0
    args = iter(argv[3:])
    for opt in args:
        val = next(args, None)
        if val is None:
            sys.exit("attacker.py: %s needs a value" % opt)
        if opt in ("--hold", "--slowloris"):
            addr, n = val.rsplit(":", 1)
            (holds if opt == "--hold" else slows).extend([addr] * int(n))
        elif opt == "--junk":
            junk_rate = float(val)
        elif opt == "--seconds":
            seconds = float(val)
        else:
            sys.exit("attacker.py: unknown option %s" % opt)

    sel = selectors.DefaultSelector()
    opened = [0]

    def hold(addr, slow=False):
        s = socket.socket()
        s.setblocking(False)
        s.bind((addr, 0))
        port = ports[0] if slow else ports[opened[0] % len(ports)]
        opened[0] += 1
        try:
            s.connect(("127.0.0.1", port))
        except BlockingIOError:
            pass
        # [address, slowloris, opened at, header bytes sent]
        sel.register(s, selectors.EVENT_READ, [addr, slow, time.time(), 0])

    for a in holds:
        hold(a)
    for a in slows:
        hold(a, True)

    header = b"GET / HTTP/1.1\r\nHost: x\r\n"
    reopened = junk = 0
    slow_lived = []
    start = time.time()
    next_junk = start
    last_write = 0.0
    while time.time() - start < seconds:
        for key, _ in sel.select(timeout=0.02):
            s, (addr, slow, born, _sent) = key.fileobj, key.data
            try:
                gone = s.recv(4096) == b""
            except BlockingIOError:
                gone = False
            except OSError:
                gone = True
            if gone:
                sel.unregister(s)
                s.close()
                if slow:
                    slow_lived.append(time.time() - born)
                hold(addr, slow)
                reopened += 1
        now = time.time()
        while junk_rate and now >= next_junk:
            next_junk += 1.0 / junk_rate
            try:
                j = socket.create_connection(("127.0.0.1", ports[0]), timeout=0.5)
                j.sendall(b"GET /junk HTTP/1.1\r\nHost: x\r\n\r\n")
                j.close()
                junk += 1
            except OSError:
                pass
        if now - last_write >= 0.3:
            last_write = now
            for key in list(sel.get_map().values()):
                if key.data[1]:
                    try:
                        key.fileobj.send(header[key.data[3]:][:1] or b"X")
                        key.data[3] += 1
                    except OSError:
                        pass
            with open(status + ".tmp", "w") as f:
                f.write("reopened %d junk %d slowloris %d longest %.1f\n" %
                        (reopened, junk, len(slow_lived), max(slow_lived or [0])))
            # renamed whole: a reader never sees a half-written line
            os.replace(status + ".tmp", status)


if __name__ == "__main__":
    main(sys.argv)
