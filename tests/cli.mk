# Tests of the phonesec command line: tests/test_cli runs the built tools/phonesec.
unit_tests += tests/test_cli
check_PROGRAMS += tests/test_cli
tests_test_cli_SOURCES = tests/test_cli.c
tests_test_cli_LDADD = $(TEST_LIBS)
# The test execs the program, so it must be built first (also with make -j).
EXTRA_tests_test_cli_DEPENDENCIES = tools/phonesec$(EXEEXT)
