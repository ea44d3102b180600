/* Helpers shared by the CUnit test programs: temporary folders, running the suite. */
#ifndef PHONESEC_TESTUTIL_H
#define PHONESEC_TESTUTIL_H

#include <CUnit/CUnit.h>
#include <stddef.h>

/* Creates a fresh temporary folder (under $TMPDIR or /tmp); returns a malloc'd path. */
char *tu_mkdtemp(void);
/* Removes a folder tree; NULL allowed. Frees nothing. */
void tu_rmtree(const char *path);
/* malloc'd "dir/name". */
char *tu_path(const char *dir, const char *name);
/* Runs every registered suite with the basic runner; returns the exit status for automake
 * (0 all passed, 1 failures). */
int tu_run(void);
/* Path of the source tree (env top_srcdir, else "."). */
const char *tu_srcdir(void);
/* Path of the build tree (env top_builddir, else "."). */
const char *tu_builddir(void);

struct store;
/* Creates a store from the built-in profile in a new temporary folder and opens it. *dir gets the
 * folder (malloc'd), *path (may be NULL) the store file (malloc'd). CU_FAIL and NULL on error. */
struct store *tu_store_new(char **dir, char **path);
/* Commits key=value pairs (NULL-terminated list: k1, v1, k2, v2, ..., NULL) as the CLI admin;
 * returns the store_txn_commit result. */
int tu_set(struct store *st, ...);

#endif
