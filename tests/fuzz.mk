# tests/fuzz.mk: the fuzz targets (tests/fuzz/) replayed over their seed corpus by a gcc-built
# driver in make check; tools/fuzz-ci builds the same targets with clang and libFuzzer and fuzzes.

FUZZ_SEEDS_CWMP = $(abs_top_srcdir)/tests/fuzz/corpus/cwmp_msg:$(abs_top_srcdir)/tests/cwmp:$(abs_top_srcdir)/tests/cwmp/rpc
FUZZ_SEEDS_DIGEST = $(abs_top_srcdir)/tests/fuzz/corpus/digest
FUZZ_SEEDS_RPC = $(abs_top_srcdir)/tests/fuzz/corpus/cwmp_rpc:$(abs_top_srcdir)/tests/cwmp:$(abs_top_srcdir)/tests/cwmp/rpc

unit_tests += tests/test_fuzz_cwmp_msg tests/test_fuzz_digest tests/test_fuzz_cwmp_rpc
check_PROGRAMS += tests/test_fuzz_cwmp_msg tests/test_fuzz_digest tests/test_fuzz_cwmp_rpc
tests_test_fuzz_cwmp_msg_SOURCES = tests/fuzz/replay.c tests/fuzz/fuzz_cwmp_msg.c tests/fuzz/fuzz.h
tests_test_fuzz_cwmp_msg_CPPFLAGS = $(CWMP_CPPFLAGS) -DFUZZ_CORPUS='"$(FUZZ_SEEDS_CWMP)"'
tests_test_fuzz_cwmp_msg_LDADD = $(CWMP_LIBS)
$(tests_test_fuzz_cwmp_msg_OBJECTS): $(CWMP_GEN)
tests_test_fuzz_cwmp_rpc_SOURCES = tests/fuzz/replay.c tests/fuzz/fuzz_cwmp_rpc.c tests/fuzz/fuzz.h
tests_test_fuzz_cwmp_rpc_CPPFLAGS = $(CWMP_CPPFLAGS) -DFUZZ_CORPUS='"$(FUZZ_SEEDS_RPC)"'
tests_test_fuzz_cwmp_rpc_LDADD = $(CWMP_LIBS) $(STORE_LIBS)
$(tests_test_fuzz_cwmp_rpc_OBJECTS): $(CWMP_GEN)
tests_test_fuzz_digest_SOURCES = tests/fuzz/replay.c tests/fuzz/fuzz_digest.c tests/fuzz/fuzz.h
tests_test_fuzz_digest_CPPFLAGS = $(AM_CPPFLAGS) $(CRYPTO_CFLAGS) -DFUZZ_CORPUS='"$(FUZZ_SEEDS_DIGEST)"'
tests_test_fuzz_digest_LDADD = $(HTTP_LIBS)

EXTRA_DIST += tests/fuzz/corpus tests/fuzz/crashes tools/fuzz-ci

# WWW-Authenticate (tr069/auth.c): no gSOAP, the parser alone
FUZZ_SEEDS_AUTH = $(abs_top_srcdir)/tests/fuzz/corpus/cwmp_auth
unit_tests += tests/test_fuzz_cwmp_auth
check_PROGRAMS += tests/test_fuzz_cwmp_auth
tests_test_fuzz_cwmp_auth_SOURCES = tests/fuzz/replay.c tests/fuzz/fuzz_cwmp_auth.c tests/fuzz/fuzz.h
tests_test_fuzz_cwmp_auth_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/tr069 -DFUZZ_CORPUS='"$(FUZZ_SEEDS_AUTH)"'
tests_test_fuzz_cwmp_auth_LDADD = tr069/libphonesec-cwmp.a

# the web UI's request text (wui/form)
FUZZ_SEEDS_WUI_FORM = $(abs_top_srcdir)/tests/fuzz/corpus/wui_form
unit_tests += tests/test_fuzz_wui_form
check_PROGRAMS += tests/test_fuzz_wui_form
tests_test_fuzz_wui_form_SOURCES = tests/fuzz/replay.c tests/fuzz/fuzz_wui_form.c tests/fuzz/fuzz.h
tests_test_fuzz_wui_form_CPPFLAGS = $(AM_CPPFLAGS) -DFUZZ_CORPUS='"$(FUZZ_SEEDS_WUI_FORM)"'
tests_test_fuzz_wui_form_LDADD = wui/libphonesec-wui.a
