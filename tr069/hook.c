/* Hook programs run by phonesec-cwmpd (firmware install, reboot): see hook.h. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "hook.h"
#include "log.h"

/* The signals a daemon may catch or ignore: the hook gets their default dispositions. */
static const int hook_default_signals[] = { SIGPIPE, SIGHUP, SIGINT, SIGQUIT, SIGTERM, SIGCHLD,
					    SIGUSR1, SIGUSR2, SIGALRM };

static int hook_spawn(pid_t *pid, const char *prog, const char *arg)
{
	char *argv[] = { (char *)prog, (char *)arg, NULL };
	char *envp[] = { (char *)"PATH=/usr/sbin:/usr/bin:/sbin:/bin", NULL };
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t at;
	sigset_t mask, dfl;
	int rc;

	sigemptyset(&mask);
	sigemptyset(&dfl);
	for (size_t i = 0; i < sizeof(hook_default_signals) / sizeof(hook_default_signals[0]); i++)
		sigaddset(&dfl, hook_default_signals[i]);
	rc = posix_spawn_file_actions_init(&fa);
	if (rc)
		return rc;
	rc = posix_spawnattr_init(&at);
	if (rc) {
		posix_spawn_file_actions_destroy(&fa);
		return rc;
	}
	rc = posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	if (!rc)
		rc = posix_spawn_file_actions_addclosefrom_np(&fa, 3);
	if (!rc)
		rc = posix_spawnattr_setsigmask(&at, &mask);
	if (!rc)
		rc = posix_spawnattr_setsigdefault(&at, &dfl);
	if (!rc)
		rc = posix_spawnattr_setpgroup(&at, 0);
	if (!rc)
		rc = posix_spawnattr_setflags(&at, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF |
						   POSIX_SPAWN_SETPGROUP);
	if (!rc)
		rc = posix_spawn(pid, prog, &fa, &at, argv, envp);
	posix_spawn_file_actions_destroy(&fa);
	posix_spawnattr_destroy(&at);
	return rc;
}

/* A hook runs with the daemon's rights: only a program nobody else could have changed. NULL when
 * prog is acceptable, else why not. */
static const char *hook_unsafe(const char *prog, char *buf, size_t len)
{
	struct stat st;

	if (stat(prog, &st))
		return strerror(errno);
	if (!S_ISREG(st.st_mode))
		return "not a regular file";
	if (st.st_uid != 0 && st.st_uid != geteuid())
		return "owned by another user";
	if (st.st_mode & (S_IWGRP | S_IWOTH))
		return "writable by other users";
	/* nor its folder, where it could be replaced */
	snprintf(buf, len, "%s", prog);
	char *slash = strrchr(buf, '/');
	if (slash)
		*(slash == buf ? slash + 1 : slash) = '\0';
	if (stat(buf, &st) || ((st.st_mode & (S_IWGRP | S_IWOTH)) && !(st.st_mode & S_ISVTX)) ||
	    (st.st_uid != 0 && st.st_uid != geteuid()))
		return "in a folder other users can change";
	return NULL;
}

static int64_t hook_now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int cwmp_hook_run(const char *what, const char *prog, const char *arg, unsigned timeout_s,
		  const atomic_bool *abandon, char *why, size_t whylen)
{
	pid_t pid;
	int st = 0;

	if (why && whylen)
		why[0] = '\0';
	if (!prog || prog[0] != '/' || timeout_s == 0 || timeout_s > CWMP_HOOK_TIMEOUT_MAX_S) {
		snprintf(why, whylen, "cannot run the %s: not an absolute path or no time bound",
			 what);
		return CWMP_HOOK_E_START;
	}
	char dir[4096];
	const char *unsafe = hook_unsafe(prog, dir, sizeof(dir));
	if (unsafe) {
		snprintf(why, whylen, "cannot run the %s %s: %s", what, prog, unsafe);
		log_msg(LOG_ERR, "cwmp: %s", why);
		return CWMP_HOOK_E_START;
	}
	int rc = hook_spawn(&pid, prog, arg);
	if (rc) {
		snprintf(why, whylen, "cannot run the %s: %s", what, strerror(rc));
		log_msg(LOG_ERR, "cwmp: %s", why);
		return CWMP_HOOK_E_START;
	}
	log_msg(LOG_NOTICE, "cwmp: %s %s started (pid %ld)", what, prog, (long)pid);

	/* polled: the worker thread has no SIGCHLD of its own, and 50 ms is nothing next to a
	 * firmware install */
	const struct timespec tick = { 0, 50 * 1000 * 1000 };
	const int64_t end = hook_now_ms() + (int64_t)timeout_s * 1000;
	for (;;) {
		pid_t w = waitpid(pid, &st, WNOHANG);
		if (w == pid)
			break;
		if (w < 0 && errno != EINTR) {
			int err = errno;
			kill(-pid, SIGKILL);
			snprintf(why, whylen, "waiting for the %s: %s", what, strerror(err));
			log_msg(LOG_ERR, "cwmp: %s", why);
			return CWMP_HOOK_E_START;
		}
		if (abandon && atomic_load(abandon)) {
			snprintf(why, whylen, "%s left running (pid %ld): the daemon is stopping", what,
				 (long)pid);
			log_msg(LOG_NOTICE, "cwmp: %s", why);
			return CWMP_HOOK_E_ABANDONED;
		}
		if (hook_now_ms() >= end) {
			/* the group first: what the hook started goes with it */
			kill(-pid, SIGKILL);
			kill(pid, SIGKILL);
			while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
				;
			snprintf(why, whylen, "%s did not finish within %u s (killed)", what,
				 timeout_s);
			log_msg(LOG_ERR, "cwmp: %s", why);
			return CWMP_HOOK_E_TIMEOUT;
		}
		nanosleep(&tick, NULL);
	}
	/* Reaped: its process id (and group id) may be reused from now on, so nothing is signalled
	 * any more. What an exited hook left running is its business (a reboot under way). */
	if (WIFEXITED(st) && WEXITSTATUS(st) == 0) {
		log_msg(LOG_NOTICE, "cwmp: %s succeeded", what);
		return CWMP_HOOK_OK;
	}
	if (WIFEXITED(st)) {
		snprintf(why, whylen, "%s failed (exit %d)", what, WEXITSTATUS(st));
		rc = CWMP_HOOK_E_EXIT;
	} else {
		snprintf(why, whylen, "%s failed (signal %d)", what,
			 WIFSIGNALED(st) ? WTERMSIG(st) : 0);
		rc = CWMP_HOOK_E_SIGNAL;
	}
	log_msg(LOG_WARNING, "cwmp: %s", why);
	return rc;
}
