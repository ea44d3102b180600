# Process and port helpers shared by the integration tests and benchmarks (sourced, POSIX sh).
# Servers listen on 127.0.0.1 at ports chosen at run time and are stopped by PID, never by name.

# ps_free_port [udp]: a port on 127.0.0.1 that is free now (TCP unless "udp").
ps_free_port() {
	python3 -c 'import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM if sys.argv[1:] == ["udp"] else socket.SOCK_STREAM)
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])' "$@"
}

# ps_stop PID: TERM, then KILL after 3 s; waits for it, so no process is left behind.
ps_stop() {
	[ -n "$1" ] || return 0
	kill "$1" 2>/dev/null || return 0
	for _ in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20 21 22 23 24 25 26 27 28 29 30; do
		kill -0 "$1" 2>/dev/null || break
		sleep 0.1
	done
	kill -9 "$1" 2>/dev/null
	wait "$1" 2>/dev/null
	return 0
}

# ps_lock_readers DB DIR: a process that keeps every reader out of the SQLite WAL database DB (it
# holds all the WAL read-mark locks of DB-shm) until DIR/unlock exists; DIR/locked appears once
# they are held. Its PID in PS_LOCKER. Readers with a busy timeout wait, the daemons' loops (a
# short one) fail and must read again by themselves.
ps_lock_readers() {
	rm -f "$2/locked" "$2/unlock"
	python3 - "$1-shm" "$2/locked" "$2/unlock" <<'PY' >"$2/locker.out" 2>&1 &
import fcntl, os, sys, time
fd = os.open(sys.argv[1], os.O_RDWR)
fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB, 5, 123, 0)  # WAL_READ_LOCK(0..4)
open(sys.argv[2], "w").write("locked\n")
while not os.path.exists(sys.argv[3]):
    time.sleep(0.02)
PY
	PS_LOCKER=$!
}
