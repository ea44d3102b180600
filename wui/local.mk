# wui/: phonesec-wuid, the phone's web UI (library + thin main), its configuration and tests.
noinst_LIBRARIES += wui/libphonesec-wui.a
wui_libphonesec_wui_a_SOURCES = wui/wui.h wui/internal.h wui/form.c wui/form.h wui/conf.c \
	wui/conf.h wui/netacl.c wui/netacl.h wui/tls.c wui/tls.h wui/wuid.c wui/page.c
wui_libphonesec_wui_a_CFLAGS = $(AM_CFLAGS) $(EVENT_CFLAGS) $(SSL_CFLAGS)
WUI_LIBS = wui/libphonesec-wui.a $(CONNGUARD_LIBS) $(HTTP_LIBS) $(STORE_LIBS) $(UTIL_LIBS) $(EVENT_LIBS) \
	$(SSL_LIBS) $(CRYPTO_LIBS)

sbin_PROGRAMS += wui/phonesec-wuid
wui_phonesec_wuid_SOURCES = wui/main.c
wui_phonesec_wuid_LDADD = $(WUI_LIBS)

dist_phonesecconf_DATA += conf/phonesec-wuid.conf
EXTRA_DIST += conf/phonesec-wuid.service

# Request parsing, forms, cookies, languages and escaping (no daemon).
unit_tests += tests/test_wui_form
check_PROGRAMS += tests/test_wui_form
tests_test_wui_form_CFLAGS = $(AM_CFLAGS) $(CUNIT_CFLAGS)
tests_test_wui_form_LDADD = wui/libphonesec-wui.a $(CUNIT_LIBS)

# The daemon with curl against it on free ports.
script_tests += tests/wui_listen.sh tests/wui_auth.sh tests/wui_pages.sh
dist_check_SCRIPTS += tests/wui_listen.sh tests/wui_auth.sh tests/wui_pages.sh
EXTRA_DIST += tests/wui_lib.sh

# A change made by the ACS (phonesec-cwmpd and the test ACS) moves the listeners.
script_tests += tests/wui_remote.sh
dist_check_SCRIPTS += tests/wui_remote.sh

# Headless Chromium (playwright-core) through first run, login, Apply, Save, German; screenshots
# kept in tests/wui-screens/. testssl.sh against the HTTPS listener.
script_tests += tests/wui_browser.sh tests/wui_tls.sh
dist_check_SCRIPTS += tests/wui_browser.sh tests/wui_tls.sh
EXTRA_DIST += tests/wui_browser.js

# Backup and restore (skipped while the store has no configuration files).
script_tests += tests/wui_backup.sh
dist_check_SCRIPTS += tests/wui_backup.sh

# A change made by the NMS (snmpd and phonesec-agentx) moves the listeners.
script_tests += tests/wui_snmp.sh
dist_check_SCRIPTS += tests/wui_snmp.sh

# test_wui_form also tests wui/conf, which reads its file through lib/conffile
tests_test_wui_form_LDADD += $(UTIL_LIBS)
