/* Helpers shared by the CUnit test programs: temporary folders and the suite runner. */
#include "config.h"

#include <CUnit/Basic.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <stdarg.h>

#include "store.h"
#include "testutil.h"

char *tu_mkdtemp(void)
{
	const char *tmp = getenv("TMPDIR");
	char *p = NULL;
	if (asprintf(&p, "%s/phonesec-test.XXXXXX", tmp && *tmp ? tmp : "/tmp") < 0)
		return NULL;
	if (!mkdtemp(p)) {
		free(p);
		return NULL;
	}
	return p;
}

static int rm_one(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	return remove(path);
}

void tu_rmtree(const char *path)
{
	if (path)
		nftw(path, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

char *tu_path(const char *dir, const char *name)
{
	char *p = NULL;
	if (asprintf(&p, "%s/%s", dir, name) < 0)
		return NULL;
	return p;
}

int tu_run(void)
{
	unsigned failed;
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	failed = CU_get_number_of_failures() + CU_get_number_of_tests_failed();
	failed += CU_get_error() != CUE_SUCCESS;
	CU_cleanup_registry();
	return failed ? 1 : 0;
}

const char *tu_srcdir(void)
{
	const char *s = getenv("top_srcdir");
	return s && *s ? s : ".";
}

const char *tu_builddir(void)
{
	const char *s = getenv("top_builddir");
	return s && *s ? s : ".";
}

struct store *tu_store_new(char **dir, char **path)
{
	char err[512];
	struct store *st = NULL;
	char *p;
	*dir = tu_mkdtemp();
	if (!*dir) {
		CU_FAIL("mkdtemp");
		return NULL;
	}
	p = tu_path(*dir, "settings.db");
	if (store_create(p, NULL, NULL, err, sizeof(err)) != STORE_OK ||
	    store_open(&st, p, err, sizeof(err)) != STORE_OK) {
		fprintf(stderr, "store: %s\n", err);
		CU_FAIL("store create/open");
		st = NULL;
	}
	if (path)
		*path = p;
	else
		free(p);
	return st;
}

int tu_set(struct store *st, ...)
{
	struct store_actor who = { STORE_SRC_CLI, STORE_ROLE_ADMIN, "test" };
	struct store_txn *t = NULL;
	va_list ap;
	int rc = store_txn_begin(&t, st, STORE_TXN_RUNNING, &who);
	if (rc)
		return rc;
	va_start(ap, st);
	for (;;) {
		const char *k = va_arg(ap, const char *);
		const char *v;
		if (!k)
			break;
		v = va_arg(ap, const char *);
		store_txn_set(t, k, v);
	}
	va_end(ap);
	rc = store_txn_commit(t, NULL);
	store_txn_free(t);
	return rc;
}
