#!/bin/sh
# phonesec-wuid in headless Chromium (tests/wui_browser.js): first run, Digest login, Apply and
# Save of the web server type, German. Screenshots are kept in tests/wui-screens/ of the build.
set -u
T_NAME=browser
. "${top_srcdir:-.}/tests/wui_lib.sh"
command -v node >/dev/null 2>&1 || { echo "ERROR: node is not installed"; exit 99; }
[ -x /usr/bin/chromium ] || { echo "ERROR: chromium is not installed (apt-get install chromium)"; exit 99; }
[ -d "$top_srcdir/tests/node_modules/playwright-core" ] ||
	{ echo "ERROR: npm ci --prefix $top_srcdir/tests (playwright-core)"; exit 99; }

SHOTS="$top_builddir/tests/wui-screens"
rm -rf "$SHOTS"; mkdir -p "$SHOTS"
init_wui
start_wui
wait_until 10 port_open "$HP" || fail "http port not open"
mkdir -p "$T/tmp"
TMPDIR="$T/tmp" HOME="$T" node "$top_srcdir/tests/wui_browser.js" "$HP" "$SP" "$SHOTS" || fail "browser test"
[ "$(ls "$SHOTS"/*.png | wc -l)" = 9 ] || fail "screenshots missing"
[ "$("$CLI" -s "$ST" get webserver_type)" = https ] || fail "webserver_type not https"
[ "$("$CLI" -s "$ST" get keyboard_lock_timeout)" = 98 ] || fail "the other site's form changed the store"
"$CLI" -s "$ST" audit -n 5 | grep -q 'save .*wui .*desk' || fail "Save not audited"
ok "browser flow; screenshots in $SHOTS"
stop_wui
exit 0
