#!/usr/bin/env python3
# bench/cwmp_record.py: a one-session TCP relay for bench/cwmp.sh that records the bytes a CWMP
# client sends to the ACS (client -> ACS only), so bench/cwmp_floor can replay them.
#
# usage: cwmp_record.py PORT_FILE ACS_PORT OUT_FILE
#   Listens on 127.0.0.1 at a kernel-chosen port (written to PORT_FILE), relays connections to
#   127.0.0.1:ACS_PORT; OUT_FILE gets the client's bytes of every connection, OUT_FILE.conns
#   the number of connections. Ends on SIGTERM.
import os
import selectors
import signal
import socket
import sys

port_file, acs_port, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]
lsock = socket.socket()
lsock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
lsock.bind(("127.0.0.1", 0))
lsock.listen(4)
with open(port_file + ".tmp", "w") as f:
    f.write("%d\n" % lsock.getsockname()[1])
os.rename(port_file + ".tmp", port_file)
signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))

sel = selectors.DefaultSelector()
sel.register(lsock, selectors.EVENT_READ)
peer = {}
conns = 0
rec = open(out, "wb")
while True:
    for key, _ in sel.select():
        s = key.fileobj
        if s is lsock:
            c, _ = lsock.accept()
            u = socket.create_connection(("127.0.0.1", acs_port))
            peer[c], peer[u] = u, c
            sel.register(c, selectors.EVENT_READ, "client")
            sel.register(u, selectors.EVENT_READ, "acs")
            conns += 1
            with open(out + ".conns", "w") as f:
                f.write("%d\n" % conns)
            continue
        try:
            data = s.recv(65536)
        except OSError:
            data = b""
        if not data:
            o = peer.pop(s)
            peer.pop(o, None)
            for x in (s, o):
                sel.unregister(x)
                x.close()
            continue
        if key.data == "client":
            rec.write(data)
            rec.flush()
        peer[s].sendall(data)
