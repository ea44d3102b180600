/* CWMP timing rules: session retry back-off (TR-069 3.2.1.1) and the periodic inform schedule,
 * pure functions of the caller's clock and random numbers (see retry.h). */
#include "config.h"

#include <string.h>
#include <time.h>

#include "retry.h"

/* a * b / 1000 saturated at CWMP_RETRY_CAP_MS (a, b >= 0). */
static int64_t retry_mul(int64_t a, unsigned k_milli)
{
	if (a >= CWMP_RETRY_CAP_MS / (int64_t)(k_milli ? k_milli : 1) * 1000)
		return CWMP_RETRY_CAP_MS;
	int64_t r = a * (int64_t)k_milli / 1000;
	return r > CWMP_RETRY_CAP_MS ? CWMP_RETRY_CAP_MS : r;
}

void cwmp_retry_window(int64_t *lo_ms, int64_t *hi_ms, unsigned n, unsigned m_s, unsigned k_milli)
{
	if (n < 1)
		n = 1;
	if (n > CWMP_RETRY_MAX_STEP)
		n = CWMP_RETRY_MAX_STEP;
	if (m_s < 1)
		m_s = 1;
	if (k_milli < 1000)
		k_milli = 1000;
	int64_t lo = (int64_t)m_s * 1000;
	for (unsigned i = 1; i < n; i++)
		lo = retry_mul(lo, k_milli);
	*lo_ms = lo;
	*hi_ms = retry_mul(lo, k_milli);
}

int64_t cwmp_retry_wait_ms(unsigned n, unsigned m_s, unsigned k_milli, uint32_t rnd)
{
	int64_t lo, hi;

	cwmp_retry_window(&lo, &hi, n, m_s, k_milli);
	/* rnd / 2^32 scaled onto [lo, hi); a double keeps 53 bits, more than any window needs,
	 * and needs no 128-bit integers (32-bit phones) */
	double span = (double)(hi - lo);
	return lo + (int64_t)(span * ((double)rnd / 4294967296.0));
}

static bool retry_digits(const char *s, size_t n, int *out)
{
	int v = 0;

	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return true;
}

/* Days from 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm). */
static int64_t retry_days(int y, int m, int d)
{
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	int64_t yoe = y - era * 400;
	int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

bool cwmp_retry_parse_time(int64_t *out_s, const char *s)
{
	int y, mo, d, h, mi, se;

	if (!s || strlen(s) < 20 || s[4] != '-' || s[7] != '-' || s[10] != 'T' || s[13] != ':' ||
	    s[16] != ':')
		return false;
	if (!retry_digits(s, 4, &y) || !retry_digits(s + 5, 2, &mo) || !retry_digits(s + 8, 2, &d) ||
	    !retry_digits(s + 11, 2, &h) || !retry_digits(s + 14, 2, &mi) ||
	    !retry_digits(s + 17, 2, &se))
		return false;
	const char *p = s + 19;
	if (*p == '.') {
		p++;
		if (*p < '0' || *p > '9')
			return false;
		while (*p >= '0' && *p <= '9')
			p++;
	}
	if (strcmp(p, "Z") != 0)
		return false;
	if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || se > 60)
		return false;
	if (y == 1 && mo == 1 && d == 1 && h == 0 && mi == 0 && se == 0)
		return false; /* TR-069's "unknown time" */
	*out_s = retry_days(y, mo, d) * 86400 + h * 3600 + mi * 60 + se;
	return true;
}

/* floor(a / b) for b > 0 */
static int64_t retry_floordiv(int64_t a, int64_t b)
{
	int64_t q = a / b;
	return (a % b != 0 && a < 0) ? q - 1 : q;
}

int64_t cwmp_periodic_next_ms(int64_t now_ms, int64_t last_ms, unsigned interval_s, bool has_ref,
			      int64_t ref_s, unsigned jitter_ms, uint32_t rnd)
{
	int64_t iv = (int64_t)(interval_s ? interval_s : 1) * 1000;
	int64_t next;

	if (has_ref) {
		int64_t ref_ms = ref_s * 1000;
		next = ref_ms + (retry_floordiv(now_ms - ref_ms, iv) + 1) * iv;
	} else {
		next = last_ms + iv;
		if (next < now_ms)
			next = now_ms;
	}
	return next + (int64_t)(rnd % ((uint64_t)jitter_ms + 1));
}

unsigned cwmp_periodic_jitter_ms(unsigned interval_s)
{
	uint64_t j = (uint64_t)interval_s * 100;
	return j > 60000 ? 60000 : (unsigned)j;
}
