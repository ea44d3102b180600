# tools/: the phonesec command line.
EXTRA_DIST += tools/timed-driver
bin_PROGRAMS += tools/phonesec
tools_phonesec_SOURCES = tools/phonesec.c tools/cli.h tools/cli_common.c tools/cli_json.c \
	tools/cli_secret.c tools/cli_read.c tools/cli_write.c tools/cli_harden.c
tools_phonesec_CFLAGS = $(AM_CFLAGS) $(CRYPTO_CFLAGS)
tools_phonesec_LDADD = $(STORE_LIBS) $(CRYPTO_LIBS)
# export and import: configuration files
tools_phonesec_SOURCES += tools/cli_config.c tools/cli_config.h
script_tests += tests/cli_config.sh
dist_check_SCRIPTS += tests/cli_config.sh
