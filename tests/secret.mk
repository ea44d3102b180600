# Unit tests of secrets, PIN and lock-out helpers.
unit_tests += tests/test_secret tests/test_lockout
check_PROGRAMS += tests/test_secret tests/test_lockout
tests_test_secret_LDADD = $(TEST_LIBS)
tests_test_lockout_LDADD = $(TEST_LIBS)
