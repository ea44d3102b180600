/* CWMP timing rules: session retry back-off (TR-069 3.2.1.1) and the periodic inform schedule,
 * pure functions of the caller's clock and random numbers (see retry.h). */
#include "config.h"

#include "retry.h"
#include "store.h"

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

bool cwmp_retry_parse_time(int64_t *out_s, const char *s)
{
	int64_t t;

	/* the store's parser, so that what the store accepted is what is planned with */
	if (store_value_parse_datetime(&t, s, NULL, 0) != STORE_OK || t == STORE_DATETIME_UNKNOWN_S)
		return false;
	*out_s = t;
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
		/* TR-181: PeriodicInformTime is the absolute time reference of the periodic
		 * informs, the ACS's choice of instants: no jitter */
		int64_t ref_ms = ref_s * 1000;
		return ref_ms + (retry_floordiv(now_ms - ref_ms, iv) + 1) * iv;
	}
	next = last_ms + iv;
	if (next < now_ms)
		next = now_ms;
	return next + (int64_t)(rnd % ((uint64_t)jitter_ms + 1));
}

unsigned cwmp_periodic_jitter_ms(unsigned interval_s)
{
	uint64_t j = (uint64_t)interval_s * 100;
	return j > 60000 ? 60000 : (unsigned)j;
}
