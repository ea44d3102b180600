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

#endif
