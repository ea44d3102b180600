/* lib/log: syslog or timestamped stderr logging shared by the phonesec daemons.
 * One formatted line per message, sanitised and bounded; never given secrets (callers' duty). */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "log.h"

static struct {
	char ident[64];
	bool to_stderr;
	bool debug;
	bool syslog_open;
} log_state = { .ident = "phonesec", .to_stderr = true };

void log_init(const char *ident, bool to_stderr, bool debug)
{
	if (log_state.syslog_open) {
		closelog();
		log_state.syslog_open = false;
	}
	snprintf(log_state.ident, sizeof(log_state.ident), "%s", ident ? ident : "phonesec");
	log_state.to_stderr = to_stderr;
	log_state.debug = debug;
	if (!to_stderr) {
		/* openlog keeps the pointer: log_state.ident lives for the whole program. */
		openlog(log_state.ident, LOG_PID | LOG_NDELAY, LOG_DAEMON);
		setlogmask(debug ? LOG_UPTO(LOG_DEBUG) : LOG_UPTO(LOG_INFO));
		log_state.syslog_open = true;
	}
}

bool log_debug_enabled(void)
{
	return log_state.debug;
}

static const char *log_level_name(int prio)
{
	static const char *const names[] = { "emerg", "alert", "crit", "error",
					     "warning", "notice", "info", "debug" };
	return names[LOG_PRI(prio) & 7];
}

/* Replaces control characters so one message is always one line. */
static void log_sanitise(char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			*s = '?';
}

void log_vmsg(int prio, const char *fmt, va_list ap)
{
	char text[LOG_LINE_MAX];
	int saved_errno = errno; /* so callers may log and then still inspect errno */

	if (LOG_PRI(prio) == LOG_DEBUG && !log_state.debug)
		return;
	vsnprintf(text, sizeof(text), fmt, ap);
	log_sanitise(text);

	if (log_state.syslog_open && !log_state.to_stderr) {
		syslog(LOG_PRI(prio), "%s", text);
	} else {
		char line[LOG_LINE_MAX + 128];
		struct timespec ts;
		struct tm tm;
		char when[32] = "";
		int n;

		clock_gettime(CLOCK_REALTIME, &ts);
		if (gmtime_r(&ts.tv_sec, &tm))
			strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%S", &tm);
		n = snprintf(line, sizeof(line), "%s.%03ldZ %s[%ld]: %s: %s\n", when,
			     (long)(ts.tv_nsec / 1000000), log_state.ident, (long)getpid(),
			     log_level_name(prio), text);
		if (n < 0)
			n = 0;
		if ((size_t)n >= sizeof(line)) {
			n = (int)sizeof(line) - 1;
			line[n - 1] = '\n';
		}
		/* One write: lines of several threads do not interleave. A failed write to stderr
		 * has nowhere to be reported. */
		if (write(STDERR_FILENO, line, (size_t)n) < 0)
			(void)0;
	}
	errno = saved_errno;
}

void log_msg(int prio, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vmsg(prio, fmt, ap);
	va_end(ap);
}

void log_close(void)
{
	if (log_state.syslog_open) {
		closelog();
		log_state.syslog_open = false;
	}
	log_state.to_stderr = true;
}

bool log_due(int64_t *last_ms, int64_t window_ms)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	int64_t now = (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;

	if (*last_ms && now - *last_ms < window_ms)
		return false;
	*last_ms = now;
	return true;
}
