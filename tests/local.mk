# tests/: CUnit unit tests of the store and integration tests.
noinst_LIBRARIES += tests/libtestutil.a
tests_libtestutil_a_SOURCES = tests/testutil.c tests/testutil.h
TEST_LIBS = tests/libtestutil.a $(STORE_LIBS) $(CUNIT_LIBS)

unit_tests += tests/test_registry tests/test_txn tests/test_audit tests/test_compliance \
	tests/test_concurrency tests/test_crash tests/test_corrupt
check_PROGRAMS += tests/test_registry tests/test_txn tests/test_audit tests/test_compliance \
	tests/test_concurrency tests/test_crash tests/test_corrupt
tests_test_registry_LDADD = $(TEST_LIBS)
tests_test_txn_LDADD = $(TEST_LIBS)
tests_test_audit_LDADD = $(TEST_LIBS)
tests_test_compliance_LDADD = $(TEST_LIBS)
tests_test_concurrency_LDADD = $(TEST_LIBS)
tests_test_crash_LDADD = $(TEST_LIBS)
tests_test_corrupt_LDADD = $(TEST_LIBS)
EXTRA_DIST += tests/proc.sh tests/lsan.supp tests/attacker.py
# store_feed_follow: following the change feed
unit_tests += tests/test_follow
check_PROGRAMS += tests/test_follow
tests_test_follow_LDADD = $(TEST_LIBS)
# store_config_export / store_config_import: configuration files
unit_tests += tests/test_config
check_PROGRAMS += tests/test_config
tests_test_config_LDADD = $(TEST_LIBS)

# date-time values (store/value.c): every xs:dateTime form in, whole-second UTC out
unit_tests += tests/test_datetime
check_PROGRAMS += tests/test_datetime
tests_test_datetime_LDADD = $(TEST_LIBS)

# phonesec-cwmpd's interoperability with real ACSs (date-times, periodic informs, FactoryReset events)
script_tests += tests/cwmp_interop.sh
dist_check_SCRIPTS += tests/cwmp_interop.sh

# The URL parser (lib/url.c).
unit_tests += tests/test_url
check_PROGRAMS += tests/test_url
tests_test_url_LDADD = $(TEST_LIBS)

# ACS URLs through the shared parser, end to end with phonesec-cwmpd.
script_tests += tests/cwmp_url.sh
dist_check_SCRIPTS += tests/cwmp_url.sh

# The daemons' "key = value" configuration file reader (lib/conffile.c).
unit_tests += tests/test_conffile
check_PROGRAMS += tests/test_conffile
tests_test_conffile_LDADD = $(TEST_LIBS)

# phonesec-wuid's idle logout (a minute of waiting, beside the other tests)
script_tests += tests/wui_idle.sh
dist_check_SCRIPTS += tests/wui_idle.sh
# The connection guard of the evhttp servers (lib/connguard.c) on a real event loop.
unit_tests += tests/test_connguard
check_PROGRAMS += tests/test_connguard
tests_test_connguard_CPPFLAGS = $(AM_CPPFLAGS) $(EVENT_CFLAGS) $(SSL_CFLAGS)
tests_test_connguard_LDADD = $(CONNGUARD_LIBS) $(TEST_LIBS) $(UTIL_LIBS) $(EVENT_LIBS) \
	$(SSL_LIBS) $(CRYPTO_LIBS) $(CUNIT_LIBS)

# phonesec-wuid under a connection attack (idle connections from many addresses, a slowloris).
script_tests += tests/wui_conn_limits.sh
dist_check_SCRIPTS += tests/wui_conn_limits.sh

# The daemons' shared command line (lib/daemonopt.c).
script_tests += tests/daemon_cli.sh
dist_check_SCRIPTS += tests/daemon_cli.sh
# phonesec-cwmpd: the ACS URL changed while a session with the old ACS runs.
script_tests += tests/cwmp_acs_change.sh
dist_check_SCRIPTS += tests/cwmp_acs_change.sh

# phonesec-wuid's first run on a phone the provider provisioned (its locks kept).
script_tests += tests/wui_firstrun.sh
dist_check_SCRIPTS += tests/wui_firstrun.sh
