/* The keypad PIN rule and the login lock-out (3 failures lock for 1 minute, doubling), shared by
 * the web UI and the phone's keypad code, persisted in the store so a restart does not reset it. */
#include "config.h"

#include <string.h>
#include <time.h>

#include "internal.h"

int64_t store_now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

bool store_pin_valid(const char *pin)
{
	const struct store_setting *s = store_registry_find("keyboard_lock_pw");
	size_t n;
	if (!pin || !s)
		return false;
	n = strlen(pin);
	if (n < s->min || n > s->max)
		return false;
	for (size_t i = 0; i < n; i++)
		if (pin[i] < '0' || pin[i] > '9')
			return false;
	return true;
}

void store_lockout_init(struct store_lockout *lo)
{
	lo->failures = 0;
	lo->until_ms = 0;
	lo->next_lock_s = STORE_LOCKOUT_FIRST_S;
}

bool store_lockout_active(const struct store_lockout *lo, int64_t now_ms, uint32_t *remaining_s)
{
	bool active = lo->until_ms > now_ms;
	if (remaining_s)
		*remaining_s = active ? (uint32_t)((lo->until_ms - now_ms + 999) / 1000) : 0;
	return active;
}

bool store_lockout_fail(struct store_lockout *lo, int64_t now_ms)
{
	if (lo->next_lock_s == 0)
		lo->next_lock_s = STORE_LOCKOUT_FIRST_S;
	if (store_lockout_active(lo, now_ms, NULL))
		return false; /* failures while locked do not extend the lock */
	lo->failures++;
	if (lo->failures < STORE_LOCKOUT_THRESHOLD)
		return false;
	lo->until_ms = now_ms + (int64_t)lo->next_lock_s * 1000;
	lo->failures = 0;
	lo->next_lock_s = lo->next_lock_s >= STORE_LOCKOUT_MAX_S / 2 ? STORE_LOCKOUT_MAX_S
								       : lo->next_lock_s * 2;
	return true;
}

void store_lockout_success(struct store_lockout *lo)
{
	store_lockout_init(lo);
}

int store_lockout_load(struct store_lockout *out, struct store *st, const char *name)
{
	sqlite3_stmt *q = NULL;
	int rc;
	if (!out || !st || !name)
		return STORE_E_INVALID;
	store_lockout_init(out);
	rc = sqlite3_prepare_v2(st->db,
				"SELECT failures, until_ms, next_s FROM lockout WHERE name=?1", -1, &q,
				NULL);
	if (rc != SQLITE_OK)
		return store_fail_sql(st, rc, "lockout");
	sqlite3_bind_text(q, 1, name, -1, SQLITE_STATIC);
	rc = sqlite3_step(q);
	if (rc == SQLITE_ROW) {
		out->failures = (uint32_t)sqlite3_column_int64(q, 0);
		out->until_ms = sqlite3_column_int64(q, 1);
		out->next_lock_s = (uint32_t)sqlite3_column_int64(q, 2);
		if (out->next_lock_s < STORE_LOCKOUT_FIRST_S || out->next_lock_s > STORE_LOCKOUT_MAX_S)
			out->next_lock_s = STORE_LOCKOUT_FIRST_S;
		rc = STORE_OK;
	} else if (rc == SQLITE_DONE) {
		rc = STORE_OK;
	} else {
		rc = store_fail_sql(st, rc, "lockout");
	}
	sqlite3_finalize(q);
	return rc;
}

int store_lockout_save(struct store *st, const char *name, const struct store_lockout *lo)
{
	sqlite3_stmt *q = NULL;
	int rc;
	if (!st || !name || !lo)
		return STORE_E_INVALID;
	if ((rc = store_write_allowed(st)))
		return rc;
	rc = sqlite3_prepare_v2(st->db,
				"INSERT INTO lockout(name, failures, until_ms, next_s) VALUES(?1,?2,?3,?4) "
				"ON CONFLICT(name) DO UPDATE SET failures=?2, until_ms=?3, next_s=?4",
				-1, &q, NULL);
	if (rc != SQLITE_OK)
		return store_fail_sql(st, rc, "lockout");
	sqlite3_bind_text(q, 1, name, -1, SQLITE_STATIC);
	sqlite3_bind_int64(q, 2, lo->failures);
	sqlite3_bind_int64(q, 3, lo->until_ms);
	sqlite3_bind_int64(q, 4, lo->next_lock_s);
	rc = sqlite3_step(q);
	sqlite3_finalize(q);
	return rc == SQLITE_DONE ? STORE_OK : store_fail_sql(st, rc, "lockout");
}
