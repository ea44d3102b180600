/* Unit tests of the CWMP event queue (tr069/events.c: single/multiple codes, delivery, reboot,
 * ACS change, persistence) and the timing rules (tr069/retry.c: 3.2.1.1 windows, periodic). */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <CUnit/CUnit.h>

#include "events.h"
#include "retry.h"
#include "store.h"
#include "testutil.h"

#define T0 1700000000000LL /* a fixed "now" in Unix ms (2023-11-14T22:13:20Z) */

static size_t count_code(const struct cwmp_events *q, enum cwmp_event_code code)
{
	size_t n = 0;
	for (size_t i = 0; i < q->n; i++)
		n += q->ev[i].code == code;
	return n;
}

static void test_names(void)
{
	for (int i = 0; i < CWMP_EV_COUNT; i++)
		CU_ASSERT_EQUAL(cwmp_events_code_from_name(cwmp_events_code_name(i)), i);
	CU_ASSERT_STRING_EQUAL(cwmp_events_code_name(CWMP_EV_BOOTSTRAP), "0 BOOTSTRAP");
	CU_ASSERT_STRING_EQUAL(cwmp_events_code_name(CWMP_EV_CONNECTION_REQUEST), "6 CONNECTION REQUEST");
	CU_ASSERT_STRING_EQUAL(cwmp_events_code_name(CWMP_EV_M_DOWNLOAD), "M Download");
	CU_ASSERT_EQUAL(cwmp_events_code_from_name("5 KICKED"), -1);
	CU_ASSERT_EQUAL(cwmp_events_code_from_name(NULL), -1);
	CU_ASSERT_PTR_NULL(cwmp_events_code_name(CWMP_EV_COUNT));
}

static void test_single_and_multiple(void)
{
	struct cwmp_events q;
	cwmp_events_init(&q);
	CU_ASSERT_EQUAL(cwmp_events_add(&q, CWMP_EV_BOOT, NULL), CWMP_EVENTS_OK);
	CU_ASSERT_EQUAL(cwmp_events_add(&q, CWMP_EV_BOOT, NULL), CWMP_EVENTS_OK);
	CU_ASSERT_EQUAL(count_code(&q, CWMP_EV_BOOT), 1);
	/* M Reboot is single: a second Reboot updates the key */
	CU_ASSERT_EQUAL(cwmp_events_add(&q, CWMP_EV_M_REBOOT, "k1"), CWMP_EVENTS_OK);
	CU_ASSERT_EQUAL(cwmp_events_add(&q, CWMP_EV_M_REBOOT, "k2"), CWMP_EVENTS_OK);
	CU_ASSERT_EQUAL(count_code(&q, CWMP_EV_M_REBOOT), 1);
	/* M ScheduleInform is multiple, once per CommandKey */
	CU_ASSERT_EQUAL(cwmp_events_add(&q, CWMP_EV_M_SCHEDULE_INFORM, "a"), CWMP_EVENTS_OK);
	CU_ASSERT_EQUAL(cwmp_events_add(&q, CWMP_EV_M_SCHEDULE_INFORM, "b"), CWMP_EVENTS_OK);
	CU_ASSERT_EQUAL(cwmp_events_add(&q, CWMP_EV_M_SCHEDULE_INFORM, "a"), CWMP_EVENTS_OK);
	CU_ASSERT_EQUAL(count_code(&q, CWMP_EV_M_SCHEDULE_INFORM), 2);
	CU_ASSERT_EQUAL(q.n, 4);
	/* CommandKey is string(32) */
	char long_key[40];
	memset(long_key, 'x', 33);
	long_key[33] = '\0';
	CU_ASSERT_EQUAL(cwmp_events_add(&q, CWMP_EV_M_DOWNLOAD, long_key), CWMP_EVENTS_E_INVALID);
	long_key[32] = '\0';
	CU_ASSERT_EQUAL(cwmp_events_add(&q, CWMP_EV_M_DOWNLOAD, long_key), CWMP_EVENTS_OK);
	CU_ASSERT_EQUAL(cwmp_events_add(&q, CWMP_EV_COUNT, NULL), CWMP_EVENTS_E_INVALID);
	/* at most 64 EventStructs */
	char key[16];
	int i = 0, err = 0;
	for (; i < 100 && !err; i++) {
		snprintf(key, sizeof(key), "u%d", i);
		err = cwmp_events_add(&q, CWMP_EV_M_UPLOAD, key);
	}
	CU_ASSERT_EQUAL(err, CWMP_EVENTS_E_FULL);
	CU_ASSERT_EQUAL(q.n, CWMP_EVENTS_MAX);
}

static void test_delivery_rules(void)
{
	struct cwmp_events q;
	cwmp_events_init(&q);
	cwmp_events_add(&q, CWMP_EV_BOOTSTRAP, NULL);
	cwmp_events_add(&q, CWMP_EV_BOOT, NULL);
	cwmp_events_add(&q, CWMP_EV_CONNECTION_REQUEST, NULL);
	cwmp_events_add(&q, CWMP_EV_TRANSFER_COMPLETE, NULL);
	cwmp_events_add(&q, CWMP_EV_M_DOWNLOAD, "dl");
	cwmp_events_add(&q, CWMP_EV_M_SCHEDULE_INFORM, "si");
	CU_ASSERT_EQUAL(cwmp_events_add_param(&q, "Device.ManagementServer.PeriodicInformInterval"), 0);
	CU_ASSERT_EQUAL(cwmp_events_add_param(&q, "Device.ManagementServer.PeriodicInformInterval"), 0);
	CU_ASSERT_EQUAL(q.n_params, 1);
	CU_ASSERT_TRUE(cwmp_events_has(&q, CWMP_EV_VALUE_CHANGE));

	/* a failed session drops only CONNECTION REQUEST */
	struct cwmp_events f = q;
	cwmp_events_session_failed(&f);
	CU_ASSERT_EQUAL(f.n, q.n - 1);
	CU_ASSERT_FALSE(cwmp_events_has(&f, CWMP_EV_CONNECTION_REQUEST));
	CU_ASSERT_TRUE(cwmp_events_has(&f, CWMP_EV_BOOTSTRAP));
	CU_ASSERT_EQUAL(f.n_params, 1);

	/* the InformResponse delivers all but the transfer events */
	struct cwmp_events d = q;
	cwmp_events_inform_delivered(&d);
	CU_ASSERT_EQUAL(d.n, 2);
	CU_ASSERT_TRUE(cwmp_events_has(&d, CWMP_EV_TRANSFER_COMPLETE));
	CU_ASSERT_TRUE(cwmp_events_has(&d, CWMP_EV_M_DOWNLOAD));
	CU_ASSERT_EQUAL(d.n_params, 0);
	cwmp_events_transfer_delivered(&d);
	CU_ASSERT_EQUAL(d.n, 0);

	/* a reboot keeps BOOTSTRAP and the transfer events, adds BOOT once */
	struct cwmp_events r = q;
	cwmp_events_add(&r, CWMP_EV_M_REBOOT, "rb");
	cwmp_events_add(&r, CWMP_EV_PERIODIC, NULL);
	cwmp_events_rebooted(&r);
	CU_ASSERT_TRUE(cwmp_events_has(&r, CWMP_EV_BOOTSTRAP));
	CU_ASSERT_TRUE(cwmp_events_has(&r, CWMP_EV_M_REBOOT));
	CU_ASSERT_TRUE(cwmp_events_has(&r, CWMP_EV_TRANSFER_COMPLETE));
	CU_ASSERT_TRUE(cwmp_events_has(&r, CWMP_EV_M_DOWNLOAD));
	CU_ASSERT_FALSE(cwmp_events_has(&r, CWMP_EV_PERIODIC));
	CU_ASSERT_FALSE(cwmp_events_has(&r, CWMP_EV_VALUE_CHANGE));
	CU_ASSERT_FALSE(cwmp_events_has(&r, CWMP_EV_M_SCHEDULE_INFORM));
	CU_ASSERT_EQUAL(count_code(&r, CWMP_EV_BOOT), 1);
	CU_ASSERT_EQUAL(r.n_params, 0);

	/* an ACS change leaves BOOTSTRAP alone */
	struct cwmp_events a = q;
	cwmp_events_acs_changed(&a);
	CU_ASSERT_EQUAL(a.n, 1);
	CU_ASSERT_EQUAL(a.ev[0].code, CWMP_EV_BOOTSTRAP);
	CU_ASSERT_EQUAL(a.n_params, 0);
}

static void test_text_form(void)
{
	struct cwmp_events q, back;
	char text[CWMP_EVENTS_TEXT_MAX];

	cwmp_events_init(&q);
	cwmp_events_add(&q, CWMP_EV_BOOTSTRAP, NULL);
	cwmp_events_add(&q, CWMP_EV_M_REBOOT, "key with\ttab\nand %");
	cwmp_events_add(&q, CWMP_EV_M_UPLOAD, "");
	cwmp_events_add_param(&q, "Device.X_Odd%.Name");
	CU_ASSERT_EQUAL_FATAL(cwmp_events_format(text, sizeof(text), &q), CWMP_EVENTS_OK);
	CU_ASSERT_PTR_NULL(strstr(text, "tab\n"));
	CU_ASSERT_EQUAL_FATAL(cwmp_events_parse(&back, text), CWMP_EVENTS_OK);
	CU_ASSERT_EQUAL(back.n, q.n);
	CU_ASSERT_EQUAL(memcmp(back.ev, q.ev, sizeof(q.ev[0]) * q.n), 0);
	CU_ASSERT_EQUAL(back.n_params, 1);
	CU_ASSERT_STRING_EQUAL(back.params[0], "Device.X_Odd%.Name");

	/* a buffer too small is refused, never overrun */
	char small[16];
	memset(small, 'Z', sizeof(small));
	CU_ASSERT_EQUAL(cwmp_events_format(small, 10, &q), CWMP_EVENTS_E_FULL);
	CU_ASSERT_EQUAL(small[10], 'Z');

	/* damaged text: what can be read is kept */
	CU_ASSERT_EQUAL(cwmp_events_parse(&back, "v1\nE 1 BOOT\t\nE 9 NOPE\t\nE M Reboot\t%4\n"
					  "junk\nE 2 PERIODIC\t\n"), CWMP_EVENTS_E_SYNTAX);
	CU_ASSERT_EQUAL(back.n, 2);
	CU_ASSERT_TRUE(cwmp_events_has(&back, CWMP_EV_PERIODIC));
	CU_ASSERT_EQUAL(cwmp_events_parse(&back, "v2\nE 1 BOOT\t\n"), CWMP_EVENTS_E_SYNTAX);
	CU_ASSERT_EQUAL(back.n, 0);
	CU_ASSERT_EQUAL(cwmp_events_parse(&back, ""), CWMP_EVENTS_OK);
	CU_ASSERT_EQUAL(cwmp_events_parse(&back, "v1\nE 1 BOOT\t%00\n"), CWMP_EVENTS_E_SYNTAX);
}

static void test_store_roundtrip(void)
{
	char *dir = NULL;
	struct store *st = tu_store_new(&dir, NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(st);
	struct cwmp_events q, back;
	bool first = false;

	CU_ASSERT_EQUAL(cwmp_events_load(&q, &first, st), CWMP_EVENTS_OK);
	CU_ASSERT_TRUE(first);
	CU_ASSERT_EQUAL(q.n, 0);
	cwmp_events_add(&q, CWMP_EV_BOOTSTRAP, NULL);
	cwmp_events_add(&q, CWMP_EV_M_DOWNLOAD, "dl-1");
	CU_ASSERT_EQUAL(cwmp_events_save(st, &q), CWMP_EVENTS_OK);
	CU_ASSERT_EQUAL(cwmp_events_load(&back, &first, st), CWMP_EVENTS_OK);
	CU_ASSERT_FALSE(first);
	CU_ASSERT_EQUAL(back.n, 2);
	CU_ASSERT_STRING_EQUAL(back.ev[1].command_key, "dl-1");
	/* an empty queue is stored too: not a first start any more */
	cwmp_events_init(&q);
	CU_ASSERT_EQUAL(cwmp_events_save(st, &q), CWMP_EVENTS_OK);
	CU_ASSERT_EQUAL(cwmp_events_load(&back, &first, st), CWMP_EVENTS_OK);
	CU_ASSERT_FALSE(first);
	CU_ASSERT_EQUAL(back.n, 0);
	store_close(st);
	tu_rmtree(dir);
	free(dir);
}

/* TR-069 3.2.1.1 Table 3 with the defaults m = 5 s, k = 2000. */
static void test_retry_windows(void)
{
	static const int64_t table[][2] = {
		{ 5, 10 }, { 10, 20 }, { 20, 40 }, { 40, 80 }, { 80, 160 },
		{ 160, 320 }, { 320, 640 }, { 640, 1280 }, { 1280, 2560 }, { 2560, 5120 },
	};
	int64_t lo, hi;

	for (unsigned n = 1; n <= 10; n++) {
		cwmp_retry_window(&lo, &hi, n, 5, 2000);
		CU_ASSERT_EQUAL(lo, table[n - 1][0] * 1000);
		CU_ASSERT_EQUAL(hi, table[n - 1][1] * 1000);
	}
	/* 10 and subsequent */
	cwmp_retry_window(&lo, &hi, 11, 5, 2000);
	CU_ASSERT_EQUAL(lo, 2560000);
	CU_ASSERT_EQUAL(hi, 5120000);
	cwmp_retry_window(&lo, &hi, 1000, 5, 2000);
	CU_ASSERT_EQUAL(hi, 5120000);
	cwmp_retry_window(&lo, &hi, 0, 5, 2000);
	CU_ASSERT_EQUAL(lo, 5000);
	/* a fractional k */
	cwmp_retry_window(&lo, &hi, 2, 1, 1500);
	CU_ASSERT_EQUAL(lo, 1500);
	CU_ASSERT_EQUAL(hi, 2250);
	/* k = 1: a constant wait */
	cwmp_retry_window(&lo, &hi, 7, 3, 1000);
	CU_ASSERT_EQUAL(lo, 3000);
	CU_ASSERT_EQUAL(hi, 3000);
	/* extremes saturate instead of overflowing */
	cwmp_retry_window(&lo, &hi, 10, 65535, 65535);
	CU_ASSERT_EQUAL(hi, CWMP_RETRY_CAP_MS);
	CU_ASSERT_TRUE(lo <= hi);

	/* the random draw stays inside the window and spreads over it */
	int64_t min = INT64_MAX, max = 0;
	uint32_t x = 12345;
	for (int i = 0; i < 10000; i++) {
		x = x * 1103515245u + 12345u;
		int64_t w = cwmp_retry_wait_ms(3, 5, 2000, x);
		if (w < min)
			min = w;
		if (w > max)
			max = w;
	}
	CU_ASSERT_TRUE(min >= 20000 && min < 20500);
	CU_ASSERT_TRUE(max <= 40000 && max > 39500);
	CU_ASSERT_EQUAL(cwmp_retry_wait_ms(1, 5, 2000, 0), 5000);
	CU_ASSERT_TRUE(cwmp_retry_wait_ms(1, 5, 2000, UINT32_MAX) <= 10000);
}

static void test_time_parse(void)
{
	int64_t t;
	CU_ASSERT_TRUE(cwmp_retry_parse_time(&t, "2023-11-14T22:13:20Z"));
	CU_ASSERT_EQUAL(t, T0 / 1000);
	CU_ASSERT_TRUE(cwmp_retry_parse_time(&t, "1970-01-01T00:00:00Z"));
	CU_ASSERT_EQUAL(t, 0);
	CU_ASSERT_TRUE(cwmp_retry_parse_time(&t, "2000-02-29T12:00:00.250Z"));
	CU_ASSERT_EQUAL(t, 951825600);
	/* every xs:dateTime form the store accepts: no zone is UTC, offsets count */
	CU_ASSERT_TRUE(cwmp_retry_parse_time(&t, "2023-11-14T22:13:20"));
	CU_ASSERT_EQUAL(t, T0 / 1000);
	CU_ASSERT_TRUE(cwmp_retry_parse_time(&t, "2023-11-14T23:13:20.404+01:00"));
	CU_ASSERT_EQUAL(t, T0 / 1000);
	/* the "unknown time", however written, is no reference */
	CU_ASSERT_FALSE(cwmp_retry_parse_time(&t, "0001-01-01T00:00:00Z"));
	CU_ASSERT_FALSE(cwmp_retry_parse_time(&t, "0001-01-01T00:00:00.999Z"));
	CU_ASSERT_FALSE(cwmp_retry_parse_time(&t, "0001-01-01T01:00:00+01:00"));
	CU_ASSERT_FALSE(cwmp_retry_parse_time(&t, "2023-13-14T22:13:20Z"));
	CU_ASSERT_FALSE(cwmp_retry_parse_time(&t, "2023-11-14T22:13:20+15:00"));
	CU_ASSERT_FALSE(cwmp_retry_parse_time(&t, ""));
	CU_ASSERT_FALSE(cwmp_retry_parse_time(&t, NULL));
}

static void test_periodic(void)
{
	int64_t ref_s = T0 / 1000 - 7 * 3600 + 120; /* a reference 2 min past some hour, in the past */
	/* with PeriodicInformTime: aligned to ref + i*interval, strictly after now */
	int64_t n = cwmp_periodic_next_ms(T0, 0, 3600, true, ref_s, 0, 0);
	CU_ASSERT_EQUAL(n, T0 + 120000);
	CU_ASSERT_EQUAL((n / 1000 - ref_s) % 3600, 0);
	/* exactly on a slot: the next slot */
	CU_ASSERT_EQUAL(cwmp_periodic_next_ms(ref_s * 1000, 0, 3600, true, ref_s, 0, 0),
			ref_s * 1000 + 3600000);
	/* a reference in the future works backwards */
	int64_t fut = T0 / 1000 + 10 * 3600 + 5;
	CU_ASSERT_EQUAL(cwmp_periodic_next_ms(T0, 0, 3600, true, fut, 0, 0), T0 + 5000);
	/* without: last + interval, or now when overdue */
	CU_ASSERT_EQUAL(cwmp_periodic_next_ms(T0, T0 - 1000, 60, false, 0, 0, 0), T0 + 59000);
	CU_ASSERT_EQUAL(cwmp_periodic_next_ms(T0, T0 - 3600000, 60, false, 0, 0, 0), T0);
	/* with a reference no jitter, whatever the random number: the ACS chose the instants */
	for (uint32_t rnd = 0; rnd < 6001; rnd += 1000)
		CU_ASSERT_EQUAL(cwmp_periodic_next_ms(T0, 0, 3600, true, ref_s, 6000, rnd),
				T0 + 120000);
	/* a reference crossing a year boundary, a small interval, now between two slots */
	int64_t ny = 1767225600; /* 2026-01-01T00:00:00Z */
	CU_ASSERT_EQUAL(cwmp_periodic_next_ms((ny - 1) * 1000 + 999, 0, 7, true, ny, 700, 99),
			ny * 1000);
	CU_ASSERT_EQUAL(cwmp_periodic_next_ms(ny * 1000 + 1, 0, 7, true, ny, 700, 99),
			(ny + 7) * 1000);
	CU_ASSERT_EQUAL(cwmp_periodic_next_ms((ny - 20) * 1000, 0, 7, true, ny, 700, 99),
			(ny - 14) * 1000);
	/* without a reference: jitter within [0, jitter] */
	CU_ASSERT_EQUAL(cwmp_periodic_next_ms(T0, T0, 60, false, 0, 6000, 6000), T0 + 66000);
	CU_ASSERT_EQUAL(cwmp_periodic_next_ms(T0, T0, 60, false, 0, 6000, 6001), T0 + 60000);
	CU_ASSERT_EQUAL(cwmp_periodic_jitter_ms(60), 6000);
	CU_ASSERT_EQUAL(cwmp_periodic_jitter_ms(86400), 60000);
}

int main(void)
{
	if (CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	CU_pSuite s = CU_add_suite("cwmp events", NULL, NULL);
	CU_add_test(s, "code names", test_names);
	CU_add_test(s, "single and multiple events", test_single_and_multiple);
	CU_add_test(s, "delivery, failure, reboot, ACS change", test_delivery_rules);
	CU_add_test(s, "text form", test_text_form);
	CU_add_test(s, "store round trip", test_store_roundtrip);
	CU_pSuite r = CU_add_suite("cwmp retry", NULL, NULL);
	CU_add_test(r, "3.2.1.1 windows", test_retry_windows);
	CU_add_test(r, "xsd:dateTime", test_time_parse);
	CU_add_test(r, "periodic schedule", test_periodic);
	return tu_run();
}
