# Sourced by the SNMP test scripts: finds the IETF base MIBs (npm net-snmp) and the Net-SNMP tools.
# Installs the npm dependencies with `npm ci` when they are missing; fails (exit 99) when it cannot.

: "${top_srcdir:?top_srcdir is not set (run through make check)}"
: "${top_builddir:?top_builddir is not set (run through make check)}"

PS_MIBBASE="$top_srcdir/tests/node_modules/net-snmp/lib/mibs"
PS_MIBDIRS="$PS_MIBBASE:$top_srcdir/mibs"

ps_fatal() {
	echo "ERROR: $*" >&2
	exit 99
}

ps_need_tool() {
	for t in "$@"; do
		command -v "$t" >/dev/null 2>&1 || [ -x "/usr/sbin/$t" ] ||
			ps_fatal "$t is not installed (Debian packages smitools snmp snmpd snmptrapd)"
	done
}

# npm ci under a lock, so parallel tests do not install twice into the same folder.
ps_need_mibs() {
	[ -f "$PS_MIBBASE/SNMPv2-SMI.mib" ] && return 0
	ps_need_tool npm flock
	echo "base MIBs missing: running npm ci --prefix $top_srcdir/tests" >&2
	(
		flock 9
		[ -f "$PS_MIBBASE/SNMPv2-SMI.mib" ] ||
			npm ci --no-audit --no-fund --prefix "$top_srcdir/tests" >&2
	) 9>"$top_builddir/tests-npm.lock" || ps_fatal "npm ci --prefix $top_srcdir/tests failed"
	[ -f "$PS_MIBBASE/SNMPv2-SMI.mib" ] ||
		ps_fatal "npm ci did not install $PS_MIBBASE/SNMPv2-SMI.mib"
}
