/* Unit tests of date-time values (store/value.c): every xs:dateTime lexical form accepted, kept as
 * whole-second UTC, and only wrong dates, times, zones and years refused, with the reason. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <CUnit/CUnit.h>

#include "store.h"
#include "testutil.h"

/* in: the text as a way in gives it; want: the canonical text, NULL when refused with a message
 * containing why. */
static void check(const char *in, const char *want, const char *why)
{
	const struct store_setting *s = store_registry_find("tr69_periodic_time");
	char *canon = NULL;
	char msg[256] = "";
	int rc;

	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	rc = store_value_check(&canon, s, in, msg, sizeof(msg));
	if (want) {
		if (rc != STORE_OK || !canon || strcmp(canon, want) != 0) {
			fprintf(stderr, "'%s': expected %s, got %d %s (%s)\n", in, want, rc,
				canon ? canon : "-", msg);
			CU_FAIL("accepted with this canonical text");
		}
	} else {
		if (rc != STORE_E_VALUE || canon || !strstr(msg, why) ||
		    strncmp(msg, "tr69_periodic_time: ", 20) != 0) {
			fprintf(stderr, "'%s': expected a refusal naming '%s', got %d '%s'\n", in, why,
				rc, msg);
			CU_FAIL("refused with a clear message");
		}
	}
	free(canon);
}

static void test_accepted_forms(void)
{
	check("2026-03-01T04:05:06Z", "2026-03-01T04:05:06Z", NULL);
	/* GenieACS sends milliseconds in every session */
	check("1970-01-01T15:56:27.404Z", "1970-01-01T15:56:27Z", NULL);
	/* a fraction of any length is dropped, never rounded up to the next second */
	check("2026-03-01T04:05:06.9Z", "2026-03-01T04:05:06Z", NULL);
	check("2026-03-01T04:05:06.999999999999999999999999999999999999999999999Z",
	      "2026-03-01T04:05:06Z", NULL);
	check("2026-03-01T04:05:06.000001", "2026-03-01T04:05:06Z", NULL);
	/* no zone: UTC */
	check("2026-03-01T04:05:06", "2026-03-01T04:05:06Z", NULL);
	/* offsets: the local time minus the offset */
	check("2026-03-01T04:05:06+01:00", "2026-03-01T03:05:06Z", NULL);
	check("2026-03-01T04:05:06-05:30", "2026-03-01T09:35:06Z", NULL);
	check("2026-03-01T04:05:06+00:00", "2026-03-01T04:05:06Z", NULL);
	check("2026-03-01T04:05:06-00:00", "2026-03-01T04:05:06Z", NULL);
	check("2026-03-01T04:05:06.750+14:00", "2026-02-28T14:05:06Z", NULL);
	check("2026-03-01T04:05:06-14:00", "2026-03-01T18:05:06Z", NULL);
	/* an offset crossing a day, a month in a leap year, a year */
	check("2024-03-01T00:30:00+01:00", "2024-02-29T23:30:00Z", NULL);
	check("2025-03-01T00:30:00+01:00", "2025-02-28T23:30:00Z", NULL);
	check("2026-01-01T00:59:59.999+01:00", "2025-12-31T23:59:59Z", NULL);
	check("2025-12-31T23:00:00-02:00", "2026-01-01T01:00:00Z", NULL);
	/* 24:00:00 is the next day's midnight, also at the end of a year */
	check("2026-02-28T24:00:00Z", "2026-03-01T00:00:00Z", NULL);
	check("2024-02-28T24:00:00Z", "2024-02-29T00:00:00Z", NULL);
	check("2025-12-31T24:00:00.000Z", "2026-01-01T00:00:00Z", NULL);
	/* leap years: every 4th, not every 100th, every 400th */
	check("2024-02-29T12:00:00Z", "2024-02-29T12:00:00Z", NULL);
	check("2000-02-29T12:00:00Z", "2000-02-29T12:00:00Z", NULL);
	check("2400-02-29T12:00:00Z", "2400-02-29T12:00:00Z", NULL);
	/* TR-069's "unknown time", and what reaches it */
	check("0001-01-01T00:00:00Z", "0001-01-01T00:00:00Z", NULL);
	check("0001-01-01T00:00:00.000Z", "0001-01-01T00:00:00Z", NULL);
	check("0001-01-01T01:00:00+01:00", "0001-01-01T00:00:00Z", NULL);
	check("9999-12-31T23:59:59.999Z", "9999-12-31T23:59:59Z", NULL);
	/* a year of five digits that is 9999 in UTC */
	check("10000-01-01T00:00:00+14:00", "9999-12-31T10:00:00Z", NULL);
	/* XML white space around the value (the schema collapses it) */
	check(" \t2026-03-01T04:05:06Z\r\n", "2026-03-01T04:05:06Z", NULL);
}

static void test_refused(void)
{
	check("2026-02-30T00:00:00Z", NULL, "February 2026 has 28 days");
	check("2026-02-29T00:00:00Z", NULL, "February 2026 has 28 days");
	check("1900-02-29T00:00:00Z", NULL, "February 1900 has 28 days");
	check("2026-04-31T00:00:00Z", NULL, "April 2026 has 30 days");
	check("2026-01-00T00:00:00Z", NULL, "day 00");
	check("2026-13-01T00:00:00Z", NULL, "month 13");
	check("2026-00-01T00:00:00Z", NULL, "month 00");
	check("2026-03-01T25:00:00Z", NULL, "hour 25");
	check("2026-03-01T24:00:01Z", NULL, "hour 24");
	check("2026-03-01T24:00:00.5Z", NULL, "hour 24");
	check("2026-03-01T23:60:00Z", NULL, "minute 60");
	check("2026-03-01T23:59:60Z", NULL, "second 60");
	check("2026-03-01T04:05:06+15:00", NULL, "offset +15:00");
	check("2026-03-01T04:05:06-14:01", NULL, "offset -14:01");
	check("2026-03-01T04:05:06+01:60", NULL, "offset +01:60");
	check("0000-01-01T00:00:00Z", NULL, "year");
	check("-0001-01-01T00:00:00Z", NULL, "year");
	check("0001-01-01T00:00:00+00:01", NULL, "year");
	check("9999-12-31T24:00:00Z", NULL, "year");
	check("9999-12-31T23:00:00-01:00", NULL, "year");
	check("12026-03-01T04:05:06Z", NULL, "year");
	check("99999999999999999999-03-01T04:05:06Z", NULL, "year");
	/* not the lexical form at all */
	check("", NULL, "not an xs:dateTime");
	check("garbage", NULL, "not an xs:dateTime");
	check("2026-03-01 04:05:06Z", NULL, "not an xs:dateTime");
	check("2026-03-01t04:05:06z", NULL, "not an xs:dateTime");
	check("2026-3-01T04:05:06Z", NULL, "not an xs:dateTime");
	check("26-03-01T04:05:06Z", NULL, "not an xs:dateTime");
	check("02026-03-01T04:05:06Z", NULL, "not an xs:dateTime");
	check("2026-03-01T04:05Z", NULL, "not an xs:dateTime");
	check("2026-03-01T04:05:06.Z", NULL, "not an xs:dateTime");
	check("2026-03-01T04:05:06+0100", NULL, "not an xs:dateTime");
	check("2026-03-01T04:05:06+01", NULL, "not an xs:dateTime");
	check("2026-03-01T04:05:06ZZ", NULL, "not an xs:dateTime");
	check("2026-03-01T04:05:06Z x", NULL, "not an xs:dateTime");
	check("2026-03-01", NULL, "not an xs:dateTime");
	/* the message shows at most a bounded, printable part of what was sent */
	check("2026-03-01T04:05:06\x01Z", NULL, "\\x01");
}

static void test_parse_and_format(void)
{
	char out[STORE_DATETIME_LEN + 1];
	char msg[128];
	int64_t t = 1;

	CU_ASSERT_EQUAL(store_value_parse_datetime(&t, "1970-01-01T00:00:00Z", NULL, 0), STORE_OK);
	CU_ASSERT_EQUAL(t, 0);
	CU_ASSERT_EQUAL(store_value_parse_datetime(&t, "1969-12-31T23:59:59.999Z", NULL, 0), STORE_OK);
	CU_ASSERT_EQUAL(t, -1);
	CU_ASSERT_EQUAL(store_value_parse_datetime(&t, "2023-11-14T23:13:20+01:00", NULL, 0),
			STORE_OK);
	CU_ASSERT_EQUAL(t, 1700000000);
	CU_ASSERT_EQUAL(store_value_parse_datetime(&t, STORE_DATETIME_UNKNOWN, NULL, 0), STORE_OK);
	CU_ASSERT_EQUAL(t, STORE_DATETIME_UNKNOWN_S);
	CU_ASSERT_EQUAL(store_value_parse_datetime(NULL, "2026-03-01T04:05:06Z", NULL, 0), STORE_OK);
	CU_ASSERT_EQUAL(store_value_parse_datetime(&t, NULL, msg, sizeof(msg)), STORE_E_VALUE);
	/* a refusal leaves the output alone */
	t = 42;
	CU_ASSERT_EQUAL(store_value_parse_datetime(&t, "2026-02-30T00:00:00Z", msg, sizeof(msg)),
			STORE_E_VALUE);
	CU_ASSERT_EQUAL(t, 42);
	/* a short message buffer is cut, not overrun */
	CU_ASSERT_EQUAL(store_value_parse_datetime(&t, "x", msg, 4), STORE_E_VALUE);
	CU_ASSERT_EQUAL(strlen(msg), 3);

	CU_ASSERT_EQUAL(store_value_format_datetime(out, sizeof(out), 0), STORE_OK);
	CU_ASSERT_STRING_EQUAL(out, "1970-01-01T00:00:00Z");
	CU_ASSERT_EQUAL(store_value_format_datetime(out, sizeof(out), -1), STORE_OK);
	CU_ASSERT_STRING_EQUAL(out, "1969-12-31T23:59:59Z");
	CU_ASSERT_EQUAL(store_value_format_datetime(out, sizeof(out), STORE_DATETIME_UNKNOWN_S),
			STORE_OK);
	CU_ASSERT_STRING_EQUAL(out, STORE_DATETIME_UNKNOWN);
	CU_ASSERT_EQUAL(store_value_format_datetime(out, sizeof(out), 951782400), STORE_OK);
	CU_ASSERT_STRING_EQUAL(out, "2000-02-29T00:00:00Z");
	CU_ASSERT_EQUAL(store_value_format_datetime(out, sizeof(out), 253402300799), STORE_OK);
	CU_ASSERT_STRING_EQUAL(out, "9999-12-31T23:59:59Z");
	CU_ASSERT_EQUAL(store_value_format_datetime(out, sizeof(out), 253402300800), STORE_E_VALUE);
	CU_ASSERT_EQUAL(store_value_format_datetime(out, sizeof(out), STORE_DATETIME_UNKNOWN_S - 1),
			STORE_E_VALUE);
	CU_ASSERT_EQUAL(store_value_format_datetime(out, STORE_DATETIME_LEN, 0), STORE_E_VALUE);

	/* every day of 400 years (one Gregorian cycle, leap days included) goes round trip */
	int64_t first = 946684800; /* 2000-01-01 */
	for (int64_t day = 0; day < 146097; day++) {
		int64_t back = 0;
		int64_t when = first + day * 86400 + (day % 86400);
		if (store_value_format_datetime(out, sizeof(out), when) != STORE_OK ||
		    store_value_parse_datetime(&back, out, NULL, 0) != STORE_OK || back != when) {
			fprintf(stderr, "round trip of %lld failed at '%s'\n", (long long)when, out);
			CU_FAIL("round trip");
			break;
		}
	}
}

/* The store keeps the canonical text whichever way the value came in. */
static void test_store_keeps_canonical(void)
{
	char *dir = NULL;
	char *v = NULL;
	struct store *st = tu_store_new(&dir, NULL);

	CU_ASSERT_PTR_NOT_NULL_FATAL(st);
	CU_ASSERT_EQUAL(tu_set(st, "tr69_periodic_time", "2026-03-01T00:30:00.125+01:00", NULL),
			STORE_OK);
	CU_ASSERT_EQUAL(store_get(&v, st, "tr69_periodic_time"), STORE_OK);
	CU_ASSERT_STRING_EQUAL(v, "2026-02-28T23:30:00Z");
	free(v);
	v = NULL;
	/* a refused value changes nothing */
	CU_ASSERT_EQUAL(tu_set(st, "tr69_periodic_time", "2026-03-01T00:30:00+15:00", NULL),
			STORE_E_VALUE);
	CU_ASSERT_EQUAL(store_get(&v, st, "tr69_periodic_time"), STORE_OK);
	CU_ASSERT_STRING_EQUAL(v, "2026-02-28T23:30:00Z");
	free(v);
	store_close(st);
	tu_rmtree(dir);
	free(dir);
}

int main(void)
{
	if (CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	CU_pSuite s = CU_add_suite("date-time values", NULL, NULL);
	CU_add_test(s, "accepted xs:dateTime forms", test_accepted_forms);
	CU_add_test(s, "refused values", test_refused);
	CU_add_test(s, "parse and format", test_parse_and_format);
	CU_add_test(s, "the store keeps the canonical text", test_store_keeps_canonical);
	return tu_run();
}
