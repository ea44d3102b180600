# phonesec: shared setup of the two README commands (sourced, not run).
# Installs missing Debian packages and npm test packages, then configures and builds out of tree.

PHONESEC_TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

# Debian packages the build, the stack and the test suite need.
PHONESEC_DEBS="build-essential autoconf automake pkg-config git
 libsqlite3-dev sqlite3 libssl-dev openssl libevent-dev libcunit1-dev
 libsnmp-dev snmpd snmp snmptrapd smitools
 gsoap libgsoap-dev libxml2-utils
 curl python3 valgrind procps clang libclang-rt-14-dev
 chromium testssl.sh lighttpd"

phonesec_log() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

# Installs the Debian packages that are not installed yet (one apt-get call, only when needed).
phonesec_ensure_packages() {
    local missing=() p
    for p in $PHONESEC_DEBS "$@"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
    done
    command -v npm >/dev/null 2>&1 || missing+=(nodejs npm)
    if [ ${#missing[@]} -gt 0 ]; then
        phonesec_log "installing ${missing[*]}"
        if [ "$(id -u)" -ne 0 ]; then
            echo "phonesec: missing packages (${missing[*]}); run as root or install them" >&2
            return 1
        fi
        export DEBIAN_FRONTEND=noninteractive
        apt-get update -qq
        # policy-rc.d keeps package scripts from starting system daemons (snmpd) we do not use
        printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d && chmod 755 /usr/sbin/policy-rc.d
        apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
        rm -f /usr/sbin/policy-rc.d
    fi
}

# npm packages of the tests (IETF base MIBs, an independent SNMP client, a Digest server).
phonesec_ensure_npm() {
    if [ -f "$PHONESEC_TOP/tests/package-lock.json" ] &&
       ! (cd "$PHONESEC_TOP/tests" && npm ls --omit=dev >/dev/null 2>&1); then
        phonesec_log "installing the test suite's npm packages"
        (cd "$PHONESEC_TOP/tests" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
    fi
}

# Configures (once) and builds in folder $1 with configure options $2...
phonesec_build() {
    local dir=$1; shift
    [ -x "$PHONESEC_TOP/configure" ] || (cd "$PHONESEC_TOP" && autoreconf -fi >/dev/null 2>&1) ||
        { echo "phonesec: autoreconf failed" >&2; return 1; }
    mkdir -p "$dir"
    if [ ! -f "$dir/Makefile" ] || [ "$PHONESEC_TOP/configure" -nt "$dir/Makefile" ]; then
        phonesec_log "configuring in $dir"
        (cd "$dir" && "$PHONESEC_TOP/configure" -q "$@") || return 1
    fi
    phonesec_log "building in $dir"
    make -C "$dir" -s -j"$(nproc)" >/dev/null || make -C "$dir" -j1
}
