#!/bin/sh
# phonesec-wuid follows a change made by the NMS: SNMP SETs of psWebServerType.0 through a private
# snmpd master and phonesec-agentx (SNMPv3 authPriv) open and close the web UI's ports, without
# a restart of phonesec-wuid.
set -u
T_NAME=wuisnmp
. "${top_srcdir:-.}/tests/wui_lib.sh"
. "$top_srcdir/tests/snmp/env.sh"
ps_need_tool snmpd snmpset snmpget
ps_need_mibs
PATH="$PATH:/usr/sbin"
AGENT="$top_builddir/agent/phonesec-agentx"

init_wui
start_wui
wait_until 10 port_open "$HP" || fail "http port not open"
port_open "$SP" || fail "https port not open"

SNMP_PORT=$(ps_free_port udp)
TGT="udp:127.0.0.1:$SNMP_PORT"
mkdir -p "$T/snmpd" "$T/client"
chmod 700 "$T/snmpd" "$T/client"
A=wuiadminauth1 X=wuiadminpriv1
sed -e "s|unix:/run/snmpd/agentx|$T/agentx|" "$top_srcdir/conf/snmpd.conf.phonesec" >"$T/snmpd.conf"
echo "createUser phonesecAdmin SHA-256 \"$A\" AES \"$X\"" >>"$T/snmpd.conf"
[ -z "${PHONESEC_DAEMON_WRAP:-}" ] || echo "agentXTimeout 30" >>"$T/snmpd.conf"
SNMP_PERSISTENT_DIR="$T/snmpd" MIBS= MIBDIRS= snmpd -f -C -c "$T/snmpd.conf" -Lf "$T/snmpd.log" "$TGT" &
EXTRA_PIDS="$!"
"$AGENT" -f -s "$ST" -x "$T/agentx" -p 1 -w phonesecAdmin 2>"$T/agent.log" &
EXTRA_PIDS="$! $EXTRA_PIDS"
snmp() {
	tool=$1; shift
	SNMPCONFPATH="$T/client" SNMP_PERSISTENT_DIR="$T/client" "$tool" -M "$PS_MIBDIRS" -m PHONESEC-MIB \
		-t 5 -r 0 -v3 -l authPriv -u phonesecAdmin -a SHA-256 -A "$A" -x AES -X "$X" "$TGT" "$@"
}
# ready once the subagent answers: snmpget exits 0 on "No Such Object" too (the master alone)
ready() {
	case $(snmp snmpget -Oqv PHONESEC-MIB::psWebServerType.0 2>&1) in
	httpAndHttps) return 0 ;;
	*) return 1 ;;
	esac
}
wait_until 60 ready || { tail -n 20 "$T/agent.log" "$T/snmpd.log"; fail "the subagent did not answer"; }

ports() { # ports HTTP-STATE HTTPS-STATE WHAT
	wait_until 10 "port_$1" "$HP" && wait_until 10 "port_$2" "$SP" ||
		fail "after $3: http not $1 or https not $2"
}
set_type() {
	snmp snmpset PHONESEC-MIB::psWebServerType.0 i "$1" >"$T/set.out" 2>&1 ||
		{ cat "$T/set.out"; tail -n 20 "$T/agent.log"; fail "SNMP SET psWebServerType.0 = $1"; }
}
set_type 2; ports closed open "httpsOnly"
[ "$("$CLI" -s "$ST" get webserver_type)" = https ] || fail "webserver_type not https"
ok "SNMP httpsOnly: the http port closed"
set_type 4; ports closed closed "off"
ok "SNMP off: no socket"
set_type 3; ports open closed "httpOnly"
ok "SNMP httpOnly: only http"
set_type 1; ports open open "httpAndHttps"
ok "SNMP httpAndHttps: both"
[ "$(grep -c 'wui: started' "$T/wuid.log")" = 1 ] || fail "the web UI restarted"
stop_wui
exit 0
