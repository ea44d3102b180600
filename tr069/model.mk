# tr069/model.mk: data model, RPC handlers and configuration of phonesec-cwmpd, and their tests.

tr069_libphonesec_cwmp_a_SOURCES += tr069/conf.c tr069/conf.h tr069/model.c tr069/model.h \
	tr069/rpc.c tr069/rpc.h

dist_phonesecconf_DATA += conf/phonesec.conf

# ---------------------------------------------------------------- tests
# tests/cwmp (with rpc/) is distributed by tr069/local.mk
EXTRA_DIST += tests/cwmp_tr181.py

unit_tests += tests/test_cwmp_model tests/test_cwmp_rpc
check_PROGRAMS += tests/test_cwmp_model tests/test_cwmp_rpc
CWMP_TEST_CPPFLAGS = $(CWMP_CPPFLAGS) -I$(top_srcdir)/tests -DTOP_SRCDIR='"$(abs_top_srcdir)"'
tests_test_cwmp_model_SOURCES = tests/test_cwmp_model.c tests/cwmp_xsd.c tests/cwmp_xsd.h
tests_test_cwmp_model_CPPFLAGS = $(CWMP_TEST_CPPFLAGS)
# the model needs no gSOAP: linking libgsoapssl without the generated serializers would fail
tests_test_cwmp_model_LDADD = tr069/libphonesec-cwmp.a tests/libtestutil.a $(STORE_LIBS) $(CUNIT_LIBS)
$(tests_test_cwmp_model_OBJECTS): $(CWMP_GEN)
tests_test_cwmp_rpc_SOURCES = tests/test_cwmp_rpc.c tests/cwmp_xsd.c tests/cwmp_xsd.h
tests_test_cwmp_rpc_CPPFLAGS = $(CWMP_TEST_CPPFLAGS)
tests_test_cwmp_rpc_LDADD = $(CWMP_LIBS) tests/libtestutil.a $(STORE_LIBS) $(UTIL_LIBS) $(CUNIT_LIBS)
$(tests_test_cwmp_rpc_OBJECTS): $(CWMP_GEN)
