/* CWMP timing rules as pure functions over a caller's clock and random numbers: the session retry
 * wait of TR-069 section 3.2.1.1 and the periodic inform schedule (PeriodicInformTime, jitter).
 *
 * Times are milliseconds (Unix ms for instants); nothing here reads a clock or keeps state, so the
 * daemon and the unit tests drive it alike. Thread-safe.
 */
#ifndef PHONESEC_TR069_RETRY_H
#define PHONESEC_TR069_RETRY_H

#include <stdbool.h>
#include <stdint.h>

/* Retry steps beyond this one use this one's window (TR-069: "10 and subsequent"). */
#define CWMP_RETRY_MAX_STEP 10
/* Every wait is capped at this, so that extreme m and k stay representable as a timer. */
#define CWMP_RETRY_CAP_MS (INT64_C(0x7fffffff) * 1000)

/* Window of the n-th retry (n >= 1; 0 is treated as 1) in ms: [m*k^(n-1), m*k^n] with m in
 * seconds (CWMPRetryMinimumWaitInterval, >= 1) and k = k_milli / 1000
 * (CWMPRetryIntervalMultiplier, >= 1000), n capped at CWMP_RETRY_MAX_STEP. */
void cwmp_retry_window(int64_t *lo_ms, int64_t *hi_ms, unsigned n, unsigned m_s, unsigned k_milli);
/* A wait drawn uniformly inside the window from the random number rnd. */
int64_t cwmp_retry_wait_ms(unsigned n, unsigned m_s, unsigned k_milli, uint32_t rnd);

/* Parses an xs:dateTime (any lexical form store_value_parse_datetime() accepts: fraction, zone
 * or none) into Unix seconds, the fraction dropped. Returns false for anything else and for the
 * "unknown time" 0001-01-01T00:00:00Z. */
bool cwmp_retry_parse_time(int64_t *out_s, const char *s);

/* Time of the next periodic inform, strictly after now_ms:
 * - with a PeriodicInformTime (has_ref, ref_s): exactly the next ref_s + i*interval_s (i any
 *   integer), without jitter: the ACS chose the instants (it spreads its fleet by giving phones
 *   different references);
 * - without (the reference is unknown): last_ms + interval_s (last_ms = the previous periodic
 *   inform, or the moment periodic informs were enabled), or now_ms when that is already past,
 *   plus a jitter of rnd % (jitter_ms + 1) ms, so that a fleet does not call at one second. */
int64_t cwmp_periodic_next_ms(int64_t now_ms, int64_t last_ms, unsigned interval_s, bool has_ref,
			      int64_t ref_s, unsigned jitter_ms, uint32_t rnd);
/* The jitter the daemon uses for an interval: a tenth of it, at most 60 s. */
unsigned cwmp_periodic_jitter_ms(unsigned interval_s);

#endif
