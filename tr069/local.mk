# tr069/: phonesec-cwmpd, the CWMP client. gSOAP in C mode: soapcpp2 turns the hand-written
# gSOAP header tr069/cwmp.h into serializers in the build tree at build time (nothing generated
# is committed); the httpda plugin is compiled from gSOAP's installed plugin sources.

# ---------------------------------------------------------------- generated serializers
# -c C, -C client side only, -n -pcwmp: files and tables named cwmp*, -L no client/server libs,
# -w no WSDL/XSD, -x no sample messages, -1 SOAP 1.1.
CWMP_GEN = tr069/cwmpC.c tr069/cwmpH.h tr069/cwmpStub.h
SOAPCPP2_FLAGS = -c -C -n -pcwmp -L -w -x -1
BUILT_SOURCES += $(CWMP_GEN)
CLEANFILES += $(CWMP_GEN) tr069/cwmp.nsmap tr069/cwmp.stamp tr069/soapcpp2.log
EXTRA_DIST += tr069/cwmp.h

tr069/cwmp.stamp: $(srcdir)/tr069/cwmp.h
	@$(MKDIR_P) tr069
	$(AM_V_GEN)$(SOAPCPP2) $(SOAPCPP2_FLAGS) -I$(GSOAP_IMPORT_DIR) -dtr069 \
		$(srcdir)/tr069/cwmp.h >tr069/soapcpp2.log 2>&1 || { cat tr069/soapcpp2.log >&2; exit 1; }
	@rm -f tr069/cwmp.nsmap
	@touch $@
$(CWMP_GEN): tr069/cwmp.stamp
	@test -f $@ || rm -f tr069/cwmp.stamp
	@test -f $@ || $(MAKE) $(AM_MAKEFLAGS) tr069/cwmp.stamp

# Flags of everything that includes the generated headers.
CWMP_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_builddir)/tr069 -I$(top_srcdir)/tr069 $(GSOAP_CFLAGS)

# The generated code builds with the project's full warnings (checked with gSOAP 2.8.124); it
# lives in its own library so that a gSOAP update that warns can be relaxed here alone.
noinst_LIBRARIES += tr069/libcwmp-soap.a
nodist_tr069_libcwmp_soap_a_SOURCES = tr069/cwmpC.c tr069/cwmpH.h tr069/cwmpStub.h
tr069_libcwmp_soap_a_CPPFLAGS = $(CWMP_CPPFLAGS)

# gSOAP's HTTP Digest client plugin and what it needs (smdevp: digests over OpenSSL EVP,
# threads: its mutexes), compiled from $(GSOAP_PLUGIN_DIR) through one-line wrappers.
# Relaxed: httpda.c has old-style declarations (-Wstrict-prototypes, -Wmissing-prototypes),
# smdevp.c uses OpenSSL functions deprecated in 3.0 (-Wdeprecated-declarations), and at -O2
# GCC 12 flags httpda.c's server-side sprintf into soap->tmpbuf (-Wformat-overflow/-truncation).
noinst_LIBRARIES += tr069/libgsoap-plugins.a
tr069_libgsoap_plugins_a_SOURCES = tr069/plugin-httpda.c tr069/plugin-smdevp.c \
	tr069/plugin-threads.c
tr069_libgsoap_plugins_a_CPPFLAGS = $(AM_CPPFLAGS) -I$(GSOAP_PLUGIN_DIR) $(GSOAP_CFLAGS) \
	$(SSL_CFLAGS)
tr069_libgsoap_plugins_a_CFLAGS = $(AM_CFLAGS) -Wno-strict-prototypes -Wno-deprecated-declarations \
	-Wno-missing-prototypes -Wno-format-overflow -Wno-format-truncation

# Our CWMP code: message layer (and, as it grows, data model, RPCs, session).
noinst_LIBRARIES += tr069/libphonesec-cwmp.a
tr069_libphonesec_cwmp_a_SOURCES = tr069/msg.c tr069/msg.h
tr069_libphonesec_cwmp_a_CPPFLAGS = $(CWMP_CPPFLAGS)
$(tr069_libphonesec_cwmp_a_OBJECTS) $(tr069_libcwmp_soap_a_OBJECTS): $(CWMP_GEN)

CWMP_LIBS = tr069/libphonesec-cwmp.a tr069/libcwmp-soap.a tr069/libgsoap-plugins.a \
	$(GSOAP_LIBS) $(SSL_LIBS) $(CRYPTO_LIBS)

# ---------------------------------------------------------------- lib/: HTTP Digest (RFC 7616)
# Owned here until lib/local.mk takes it: the Digest server shared with the web UI.
noinst_LIBRARIES += lib/libphonesec-http.a
lib_libphonesec_http_a_SOURCES = lib/digest.c lib/digest.h
lib_libphonesec_http_a_CPPFLAGS = $(AM_CPPFLAGS) $(CRYPTO_CFLAGS)
HTTP_LIBS = lib/libphonesec-http.a $(CRYPTO_LIBS)

# ---------------------------------------------------------------- tests
EXTRA_DIST += tests/cwmp

unit_tests += tests/test_cwmp_msg tests/test_digest
check_PROGRAMS += tests/test_cwmp_msg tests/test_digest
tests_test_cwmp_msg_SOURCES = tests/test_cwmp_msg.c tests/cwmp_xsd.c tests/cwmp_xsd.h
tests_test_cwmp_msg_CPPFLAGS = $(CWMP_CPPFLAGS) -I$(top_srcdir)/tests -DTOP_SRCDIR='"$(abs_top_srcdir)"'
tests_test_cwmp_msg_LDADD = $(CWMP_LIBS) $(CUNIT_LIBS)
$(tests_test_cwmp_msg_OBJECTS): $(CWMP_GEN)
tests_test_digest_SOURCES = tests/test_digest.c
tests_test_digest_CPPFLAGS = $(AM_CPPFLAGS) $(CRYPTO_CFLAGS)
tests_test_digest_LDADD = $(HTTP_LIBS) $(CUNIT_LIBS)
