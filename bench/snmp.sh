#!/bin/sh
# bench/snmp.sh: starts a private snmpd master, phonesec-agentx and the AgentX floor (snmp_floor)
# on loopback, then runs bench/snmp_client against them; every process is stopped by PID at exit.
#
# usage (from the build folder): sh SRCDIR/bench/snmp.sh [snmp_client options, e.g. -r 5 -n 2000]
# top_srcdir and top_builddir default to the script's source tree and the current folder.
set -u
top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
top_builddir=${top_builddir:-$(pwd)}
export top_srcdir top_builddir
. "$top_srcdir/tests/snmp/env.sh"
# shellcheck source=tests/proc.sh
. "$top_srcdir/tests/proc.sh"
ps_need_tool snmpd snmpget snmptranslate python3
ps_need_mibs

PATH="$PATH:/usr/sbin"
AGENT="$top_builddir/agent/phonesec-agentx"
CLI="$top_builddir/tools/phonesec"
FLOOR="$top_builddir/bench/snmp_floor"
CLIENT="$top_builddir/bench/snmp_client"
for p in "$AGENT" "$CLI" "$FLOOR" "$CLIENT"; do
	[ -x "$p" ] || ps_fatal "$p not built (run make in $top_builddir)"
done

# The floor's object: keep in step with BENCH_FLOOR_OID in bench/snmp_floor.c.
FLOOR_OID=.1.3.6.1.4.1.8072.9999.9999.1.0
SYSUPTIME_OID=.1.3.6.1.2.1.1.3.0

tmp=$(mktemp -d)
snmpd_pid=
agent_pid=
floor_pid=
client_pid=
ok=0

cleanup() {
	ps_stop "$client_pid"
	ps_stop "$agent_pid"
	ps_stop "$floor_pid"
	ps_stop "$snmpd_pid"
	if [ "$ok" -ne 1 ]; then
		for f in agent.log floor.log snmpd.log; do
			echo "---- $f (tail)" >&2
			tail -n 20 "$tmp/$f" >&2 2>/dev/null
		done
	fi
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

free_port() { ps_free_port udp; }
port=$(free_port)
T="udp:127.0.0.1:$port"
STORE="$tmp/store/settings.db"
mkdir -p "$tmp/store" "$tmp/snmpd" "$tmp/client"
chmod 700 "$tmp/store" "$tmp/snmpd"

# The read-only user of the shipped snippet: what a polling NMS uses.
USER=phonesecRead AUTH=benchauthpass1 PRIV=benchprivpass1

numeric() { # NAME: numeric OID from PHONESEC-MIB
	MIBS='' MIBDIRS='' snmptranslate -M "$PS_MIBDIRS" -m PHONESEC-MIB -On "$1" 2>/dev/null ||
		ps_fatal "snmptranslate $1 failed"
}
OURS_OID=$(numeric PHONESEC-MIB::psHttpPort.0)
MIB_OID=$(numeric PHONESEC-MIB::phonesecMIB)

"$CLI" -s "$STORE" init >"$tmp/init.log" 2>&1 || ps_fatal "phonesec init: $(cat "$tmp/init.log")"
sed -e "s|unix:/run/snmpd/agentx|$tmp/agentx|" "$top_srcdir/conf/snmpd.conf.phonesec" \
	>"$tmp/snmpd.conf"
cat >>"$tmp/snmpd.conf" <<EOC
createUser $USER SHA-256 "$AUTH" AES "$PRIV"
view phonesecRead included ${FLOOR_OID%.0}
EOC

answers() { # OID: succeeds when a GET through the master returns a number
	v=$(SNMPCONFPATH="$tmp/client" SNMP_PERSISTENT_DIR="$tmp/client" MIBS='' MIBDIRS='' \
		snmpget -v3 -l authPriv -u "$USER" -a SHA-256 -A "$AUTH" -x AES -X "$PRIV" \
		-t 1 -r 0 -Oqv "$T" "$1" 2>/dev/null)
	case $v in [0-9]*) return 0 ;; *) return 1 ;; esac
}
alive() {
	kill -0 "$snmpd_pid" 2>/dev/null || ps_fatal "snmpd exited"
	[ -z "$agent_pid" ] || kill -0 "$agent_pid" 2>/dev/null || ps_fatal "phonesec-agentx exited"
	[ -z "$floor_pid" ] || kill -0 "$floor_pid" 2>/dev/null || ps_fatal "snmp_floor exited"
}
wait_for() { # OID...: at most 15 s until every OID answers
	for _ in $(seq 1 150); do
		all=1
		for o in "$@"; do answers "$o" || { all=0; break; }; done
		[ "$all" -eq 1 ] && return 0
		alive
		sleep 0.1
	done
	ps_fatal "no answer through snmpd for $*"
}

SNMP_PERSISTENT_DIR="$tmp/snmpd" MIBS='' MIBDIRS='' \
	snmpd -f -C -c "$tmp/snmpd.conf" -Lf "$tmp/snmpd.log" "$T" &
snmpd_pid=$!
# The master first, so the subagents connect at once instead of after a retry interval.
wait_for "$SYSUPTIME_OID"
"$AGENT" -f -s "$STORE" -x "$tmp/agentx" 2>"$tmp/agent.log" &
agent_pid=$!
"$FLOOR" -x "$tmp/agentx" 2>"$tmp/floor.log" &
floor_pid=$!
# These few GETs are the only requests phonesec-agentx sees before the memory sample "0".
wait_for "$OURS_OID" "$FLOOR_OID"

echo "snmpd $(snmpd -v 2>/dev/null | sed -n 's/^NET-SNMP version: *//p') on $T," \
	"$(nproc) CPU(s), load $(cut -d' ' -f1-3 /proc/loadavg), $(uname -r)"
SNMPCONFPATH="$tmp/client" SNMP_PERSISTENT_DIR="$tmp/client" \
	"$CLIENT" -p "$T" -u "$USER" -A "$AUTH" -X "$PRIV" -g "$OURS_OID" -m "$SYSUPTIME_OID" \
	-f "$FLOOR_OID" -w "$MIB_OID" -P "$agent_pid" -F "$floor_pid" "$@" &
client_pid=$!
# In the background and waited for, so a signal ends the wait and the cleanup stops it too.
wait "$client_pid"
rc=$?
client_pid=
kill -0 "$agent_pid" 2>/dev/null || { echo "phonesec-agentx died during the run" >&2; rc=1; }
[ "$rc" -eq 0 ] && ok=1
exit "$rc"
