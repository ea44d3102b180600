/* lib/log: the one logging facility of every phonesec daemon (syslog, or stderr with timestamps).
 * Small and stable: init once, log with syslog priorities, close at exit.
 *
 * Contract:
 * - prio is a syslog priority (LOG_ERR, LOG_WARNING, LOG_NOTICE, LOG_INFO, LOG_DEBUG...).
 *   LOG_DEBUG messages are dropped unless log_init() was called with debug = true.
 * - Callers must never pass a secret (password, PIN, HA1, key, token) or a value of a SECRET
 *   setting: log keys, sizes and outcomes instead. This module cannot tell secrets apart.
 * - Messages longer than LOG_LINE_MAX bytes are truncated; control characters (including
 *   newlines) in the formatted text are replaced by '?', so peer-supplied text cannot forge lines.
 * - Thread-safe: each message is written with one write(2) / syslog(3) call.
 * - Before log_init() (or after log_close()) messages go to stderr at level info and above.
 */
#ifndef PHONESEC_LOG_H
#define PHONESEC_LOG_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <syslog.h>

#define LOG_LINE_MAX 1024

/* ident: program name shown in every line (copied). to_stderr: write to stderr with an ISO 8601
 * UTC timestamp instead of syslog (foreground mode). debug: let LOG_DEBUG through. */
void log_init(const char *ident, bool to_stderr, bool debug);
void log_msg(int prio, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void log_vmsg(int prio, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));
/* For a line anyone may cause (a flood, a scan): true at most once per window_ms per *last_ms,
 * which holds the monotonic time of the last line (0 at first) and is updated when true. */
bool log_due(int64_t *last_ms, int64_t window_ms);
/* True when LOG_DEBUG messages are written (to skip building costly debug text). */
bool log_debug_enabled(void);
/* Closes syslog; later messages go to stderr. Safe to call twice. */
void log_close(void);

#endif
