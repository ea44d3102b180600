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
