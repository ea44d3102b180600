/* Hooks: the programs a phone's integrator supplies for what phonesec-cwmpd cannot do itself
 * (install a firmware image, reboot the phone), named in conf/phonesec.conf.
 *
 * A hook runs with the daemon's rights, so it must be a regular file owned by root (or the
 * daemon's user), writable by nobody else, in a folder nobody else can change (sticky folders
 * excepted); anything else is refused before it starts.
 *
 * Contract: cwmp_hook_run() blocks the calling thread (the daemon's worker) until the program
 * exits or its time is up. The program is started without a shell (posix_spawn: argv is the
 * program and at most one argument), with stdin from /dev/null, stdout and stderr shared with
 * the daemon (its log), no other descriptor, default signal dispositions, an empty signal mask,
 * only PATH=/usr/sbin:/usr/bin:/sbin:/bin in its environment, and in a process group of its
 * own: when the time is up the whole group is killed (SIGKILL) and the hook reaped, so nothing it
 * started is left behind. A hook that exits in time leaves what it started alone (a reboot it
 * set off). Nothing is allocated that outlives the call.
 */
#ifndef PHONESEC_TR069_HOOK_H
#define PHONESEC_TR069_HOOK_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>

#define CWMP_HOOK_TIMEOUT_MAX_S 3600

enum {
	CWMP_HOOK_OK = 0,
	CWMP_HOOK_E_START,   /* could not be started (not found, not executable, no memory) */
	CWMP_HOOK_E_EXIT,    /* exited with a non-zero status */
	CWMP_HOOK_E_SIGNAL,  /* killed by a signal it did not get from us */
	CWMP_HOOK_E_TIMEOUT, /* still running after timeout_s: its process group was killed */
	CWMP_HOOK_E_ABANDONED, /* *abandon turned true (the daemon stops): left running, not
	                          waited for */
};

/* Runs prog [arg] for at most timeout_s seconds (1..CWMP_HOOK_TIMEOUT_MAX_S). abandon (may be
 * NULL) is polled while it runs: when it turns true the call returns at once and the hook goes on
 * alone (a firmware install is not cut short because the daemon is asked to stop). Returns a
 * CWMP_HOOK_* code; on failure why gets a sentence ("firmware hook failed (exit 3)") that names
 * the hook by what ("firmware hook", "reboot hook"). Logs the start and the outcome. */
int cwmp_hook_run(const char *what, const char *prog, const char *arg, unsigned timeout_s,
		  const atomic_bool *abandon, char *why, size_t whylen);

#endif
