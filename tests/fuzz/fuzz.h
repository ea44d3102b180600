/* Entry points shared by the fuzz targets (libFuzzer's names) and by replay.c, the gcc-built
 * driver that runs a target over its seed corpus in make check. */
#ifndef PHONESEC_TESTS_FUZZ_H
#define PHONESEC_TESTS_FUZZ_H

#include <stddef.h>
#include <stdint.h>

/* One input; returns 0 (libFuzzer's contract). A target aborts on a broken invariant. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
/* Optional one-time setup (argc/argv unused by ours). */
int LLVMFuzzerInitialize(int *argc, char ***argv);

#endif
