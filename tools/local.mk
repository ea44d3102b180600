# tools/: the phonesec command line.
bin_PROGRAMS += tools/phonesec
tools_phonesec_SOURCES = tools/phonesec.c tools/cli.h tools/cli_common.c tools/cli_json.c \
	tools/cli_secret.c tools/cli_read.c tools/cli_write.c tools/cli_harden.c
tools_phonesec_CFLAGS = $(AM_CFLAGS) $(CRYPTO_CFLAGS)
tools_phonesec_LDADD = $(STORE_LIBS) $(CRYPTO_LIBS)
