# tr069/daemon.mk: session engine, events, connection request server and the phonesec-cwmpd daemon.

# Event queue, timing rules (no gSOAP: their unit test links them without it), session, connection-request server and the daemon's loop: in the
# CWMP library, so that tests link the same code; main.c only parses the command line.
tr069_libphonesec_cwmp_a_SOURCES += tr069/events.c tr069/events.h tr069/retry.c tr069/retry.h \
	tr069/session.c tr069/session.h tr069/tls.c tr069/tls.h tr069/transfer.c tr069/transfer.h tr069/hook.c tr069/hook.h \
	tr069/cr.c tr069/cr.h \
	tr069/cwmpd.c tr069/cwmpd.h
tr069_libphonesec_cwmp_a_CPPFLAGS += -I$(GSOAP_PLUGIN_DIR) $(EVENT_CFLAGS) $(SSL_CFLAGS)

# With HAVE_CONFIG_H, stdsoap2.h reads our config.h instead of its platform defaults and then
# declares soap_strtoul() as a library function, which libgsoapssl does not export: httpda.o
# fails to link. (To move into tr069/local.mk next to the plugin library.)
tr069_libgsoap_plugins_a_CPPFLAGS += -DHAVE_STRTOUL

sbin_PROGRAMS += tr069/phonesec-cwmpd
tr069_phonesec_cwmpd_SOURCES = tr069/main.c
tr069_phonesec_cwmpd_CPPFLAGS = $(CWMP_CPPFLAGS)
tr069_phonesec_cwmpd_LDADD = $(CWMP_LIBS) $(CONNGUARD_LIBS) $(HTTP_LIBS) $(STORE_LIBS) $(UTIL_LIBS) $(EVENT_LIBS) \
	$(SSL_LIBS) $(CRYPTO_LIBS)
$(tr069_phonesec_cwmpd_OBJECTS): $(CWMP_GEN)

EXTRA_DIST += tests/acs/acs.js conf/phonesec-cwmpd.service

# ---------------------------------------------------------------- tests
unit_tests += tests/test_cwmp_events
check_PROGRAMS += tests/test_cwmp_events
tests_test_cwmp_events_SOURCES = tests/test_cwmp_events.c
tests_test_cwmp_events_CPPFLAGS = $(CWMP_CPPFLAGS) -I$(top_srcdir)/tests
tests_test_cwmp_events_LDADD = tests/libtestutil.a tr069/libphonesec-cwmp.a $(STORE_LIBS) $(CUNIT_LIBS)
$(tests_test_cwmp_events_OBJECTS): $(CWMP_GEN)

unit_tests += tests/test_cwmp_tls
check_PROGRAMS += tests/test_cwmp_tls
tests_test_cwmp_tls_SOURCES = tests/test_cwmp_tls.c
tests_test_cwmp_tls_CPPFLAGS = $(CWMP_CPPFLAGS) $(SSL_CFLAGS) -I$(top_srcdir)/tests
tests_test_cwmp_tls_LDADD = tests/libtestutil.a $(CWMP_LIBS) $(STORE_LIBS) lib/libphonesec-util.a $(CUNIT_LIBS) -lpthread
$(tests_test_cwmp_tls_OBJECTS): $(CWMP_GEN)

script_tests += tests/cwmp_session.sh tests/cwmp_transfer.sh tests/cwmp_tls.sh \
	tests/cwmp_cr.sh tests/cwmp_firmware.sh tests/cwmp_reboot.sh tests/cwmp_reload.sh \
	tests/cwmp_redirect.sh
dist_check_SCRIPTS += tests/cwmp_session.sh tests/cwmp_transfer.sh tests/cwmp_tls.sh \
	tests/cwmp_cr.sh tests/cwmp_firmware.sh tests/cwmp_reboot.sh tests/cwmp_reload.sh \
	tests/cwmp_redirect.sh
EXTRA_DIST += tests/cwmp_lib.sh

# WWW-Authenticate (RFC 7235) and the rule of what a 401 may get: sessions and transfers alike
tr069_libphonesec_cwmp_a_SOURCES += tr069/auth.c tr069/auth.h
unit_tests += tests/test_cwmp_auth
check_PROGRAMS += tests/test_cwmp_auth
tests_test_cwmp_auth_SOURCES = tests/test_cwmp_auth.c
tests_test_cwmp_auth_CPPFLAGS = $(CWMP_CPPFLAGS) -I$(GSOAP_PLUGIN_DIR) -I$(top_srcdir)/tests
# libgsoapssl refers to the serializers and the namespaces table: those archives again after it
tests_test_cwmp_auth_LDADD = tests/libtestutil.a $(CWMP_LIBS) tr069/libphonesec-cwmp.a \
	tr069/libcwmp-soap.a $(STORE_LIBS) lib/libphonesec-util.a $(CUNIT_LIBS) -lpthread
$(tests_test_cwmp_auth_OBJECTS): $(CWMP_GEN)

# phonesec-cwmpd following the audit log, also after falling behind it
script_tests += tests/cwmp_follow.sh
dist_check_SCRIPTS += tests/cwmp_follow.sh
script_tests += tests/cwmp_cr_limits.sh
dist_check_SCRIPTS += tests/cwmp_cr_limits.sh
script_tests += tests/cwmp_store_busy.sh
dist_check_SCRIPTS += tests/cwmp_store_busy.sh
