/* Unit tests of store_feed_follow(): entries with their settings as registry rows, names the
 * registry lost, a follower that fell behind the kept log, commits arriving while it drains. */
#include "config.h"

#include <CUnit/CUnit.h>
#include <poll.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store.h"
#include "testutil.h"

#define FOLLOW_MAX 512

/* What the callback saw, copied out (the change is valid during the call only). */
struct seen {
	size_t n;
	struct {
		uint64_t seq;
		enum store_action action;
		enum store_source source;
		bool both;
		char principal[64];
		char keys[512]; /* the rows' keys joined with ',' */
		size_t unknown;
	} e[FOLLOW_MAX];
	/* a commit made from inside the callback, on another handle */
	struct store *writer;
	const char *write_key, *write_value;
	int write_rc;
	/* the seq the follower's position named during the call */
	const uint64_t *pos;
	bool pos_ok;
};

static void seen_cb(void *arg, const struct store_change *c)
{
	struct seen *s = arg;

	if (s->pos && *s->pos != c->seq)
		s->pos_ok = false;
	if (s->n < FOLLOW_MAX) {
		size_t len = 0;

		s->e[s->n].seq = c->seq;
		s->e[s->n].action = c->action;
		s->e[s->n].source = c->source;
		s->e[s->n].both = c->both_layers;
		s->e[s->n].unknown = c->unknown;
		snprintf(s->e[s->n].principal, sizeof(s->e[s->n].principal), "%s", c->principal);
		s->e[s->n].keys[0] = '\0';
		for (size_t i = 0; i < c->count; i++) {
			/* the registry's own rows, not copies */
			CU_ASSERT_PTR_EQUAL(c->settings[i], store_registry_find(c->settings[i]->key));
			len += (size_t)snprintf(s->e[s->n].keys + len, sizeof(s->e[s->n].keys) - len,
						"%s%s", i ? "," : "", c->settings[i]->key);
		}
		s->n++;
	}
	if (s->writer) {
		s->write_rc = tu_set(s->writer, s->write_key, s->write_value, NULL);
		s->writer = NULL;
	}
}

static bool readable(int fd, int ms)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	return poll(&p, 1, ms) == 1 && (p.revents & POLLIN);
}

static void sql(const char *path, const char *text)
{
	sqlite3 *db = NULL;
	char *msg = NULL;

	CU_ASSERT_FATAL(sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, NULL) == SQLITE_OK);
	sqlite3_busy_timeout(db, 15000);
	CU_ASSERT(sqlite3_exec(db, text, NULL, NULL, &msg) == SQLITE_OK);
	if (msg)
		fprintf(stderr, "\n%s: %s\n", text, msg);
	sqlite3_free(msg);
	sqlite3_close(db);
}

static void test_entries(void)
{
	char *dir = NULL;
	struct store *st = tu_store_new(&dir, NULL);
	struct store_actor snmp = { STORE_SRC_SNMP, STORE_ROLE_ADMIN, "nms" };
	const char *keys[] = { "http_port" };
	struct store_snapshot *snap = NULL;
	struct store_txn *t = NULL;
	struct seen *s = calloc(1, sizeof(*s));
	uint64_t pos = 0, h0 = 0;

	CU_ASSERT_PTR_NOT_NULL_FATAL(st);
	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	CU_ASSERT_EQUAL(store_audit_head(&h0, st), STORE_OK);
	pos = h0;
	/* nothing new: no call, no snapshot */
	CU_ASSERT_EQUAL(store_feed_follow(&pos, &snap, st, seen_cb, s), STORE_OK);
	CU_ASSERT_EQUAL(s->n, 0);
	CU_ASSERT_PTR_NULL(snap);
	CU_ASSERT_EQUAL(pos, h0);

	CU_ASSERT_EQUAL_FATAL(store_txn_begin(&t, st, STORE_TXN_BOTH, &snmp), STORE_OK);
	CU_ASSERT_EQUAL(store_txn_set(t, "http_user", "admin"), STORE_OK);
	CU_ASSERT_EQUAL(store_txn_set(t, "http_pass", "Secret-1234"), STORE_OK);
	CU_ASSERT_EQUAL(store_txn_set(t, "http_port", "8080"), STORE_OK);
	CU_ASSERT_EQUAL(store_txn_commit(t, NULL), STORE_OK);
	store_txn_free(t);
	CU_ASSERT_EQUAL(store_lock_set(st, keys, 1, false, &snmp), STORE_OK);
	CU_ASSERT_EQUAL(tu_set(st, "web_logout_timer", "7", NULL), STORE_OK);

	s->pos = &pos;
	s->pos_ok = true;
	CU_ASSERT_EQUAL(store_feed_follow(&pos, &snap, st, seen_cb, s), STORE_OK);
	CU_ASSERT_PTR_NULL(snap);
	CU_ASSERT_TRUE(s->pos_ok); /* the position names the entry being handed */
	CU_ASSERT_EQUAL_FATAL(s->n, 3);
	CU_ASSERT_EQUAL(pos, h0 + 3);
	CU_ASSERT_EQUAL(s->e[0].seq, h0 + 1);
	CU_ASSERT_EQUAL(s->e[0].action, STORE_ACT_SET);
	CU_ASSERT_EQUAL(s->e[0].source, STORE_SRC_SNMP);
	CU_ASSERT_TRUE(s->e[0].both);
	CU_ASSERT_STRING_EQUAL(s->e[0].principal, "nms");
	/* registry order, as the audit entry lists them */
	CU_ASSERT_STRING_EQUAL(s->e[0].keys, "http_user,http_pass,http_port");
	CU_ASSERT_EQUAL(s->e[0].unknown, 0);
	CU_ASSERT_EQUAL(s->e[1].action, STORE_ACT_UNLOCK);
	CU_ASSERT_STRING_EQUAL(s->e[1].keys, "http_port");
	CU_ASSERT_EQUAL(s->e[2].source, STORE_SRC_CLI);
	CU_ASSERT_FALSE(s->e[2].both);
	CU_ASSERT_STRING_EQUAL(s->e[2].keys, "web_logout_timer");
	CU_ASSERT_STRING_EQUAL(s->e[2].principal, "test");

	/* again: nothing handed twice */
	s->n = 0;
	CU_ASSERT_EQUAL(store_feed_follow(&pos, &snap, st, seen_cb, s), STORE_OK);
	CU_ASSERT_EQUAL(s->n, 0);

	/* without a callback only the position moves */
	CU_ASSERT_EQUAL(tu_set(st, "web_logout_timer", "8", NULL), STORE_OK);
	CU_ASSERT_EQUAL(store_feed_follow(&pos, &snap, st, NULL, NULL), STORE_OK);
	CU_ASSERT_EQUAL(pos, h0 + 4);

	/* caller errors */
	CU_ASSERT_EQUAL(store_feed_follow(NULL, &snap, st, seen_cb, s), STORE_E_INVALID);
	CU_ASSERT_EQUAL(store_feed_follow(&pos, NULL, st, seen_cb, s), STORE_E_INVALID);
	CU_ASSERT_EQUAL(store_feed_follow(&pos, &snap, NULL, seen_cb, s), STORE_E_INVALID);
	CU_ASSERT_PTR_NULL(snap);
	free(s);
	store_close(st);
	tu_rmtree(dir);
	free(dir);
}

/* Entries name settings a later registry may not have: they are counted, not handed. */
static void test_unknown_keys(void)
{
	char *dir = NULL, *path = NULL;
	struct store *st = tu_store_new(&dir, &path);
	struct store_snapshot *snap = NULL;
	struct seen *s = calloc(1, sizeof(*s));
	uint64_t pos = 0;

	CU_ASSERT_PTR_NOT_NULL_FATAL(st);
	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	CU_ASSERT_EQUAL(store_audit_head(&pos, st), STORE_OK);
	sql(path, "INSERT INTO audit(time_ms, action, source, both_layers, principal, keys) VALUES"
		  "(1, 1, 3, 1, 'old', 'http_port,sip_gone,,"
		  "a_name_far_longer_than_any_key_of_the_registry_could_ever_be_written_as,http_user'),"
		  "(2, 1, 3, 1, 'old', 'removed_setting'),"
		  "(3, 1, 3, 1, 'old', '')");
	CU_ASSERT_EQUAL(store_feed_follow(&pos, &snap, st, seen_cb, s), STORE_OK);
	CU_ASSERT_PTR_NULL(snap);
	CU_ASSERT_EQUAL_FATAL(s->n, 3);
	CU_ASSERT_STRING_EQUAL(s->e[0].keys, "http_port,http_user");
	CU_ASSERT_EQUAL(s->e[0].unknown, 2);
	CU_ASSERT_STRING_EQUAL(s->e[1].keys, "");
	CU_ASSERT_EQUAL(s->e[1].unknown, 1);
	CU_ASSERT_STRING_EQUAL(s->e[2].keys, "");
	CU_ASSERT_EQUAL(s->e[2].unknown, 0);
	free(s);
	store_close(st);
	tu_rmtree(dir);
	free(dir);
	free(path);
}

/* The log keeps the last entries only; a follower whose next entry is gone gets a snapshot. */
static void test_fell_behind(void)
{
	char *dir = NULL, *path = NULL, del[128];
	struct store *st = tu_store_new(&dir, &path);
	struct store_snapshot *snap = NULL;
	const struct store_row *r;
	struct seen *s = calloc(1, sizeof(*s));
	uint64_t pos = 0, old, head = 0;

	CU_ASSERT_PTR_NOT_NULL_FATAL(st);
	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	CU_ASSERT_EQUAL(store_audit_head(&old, st), STORE_OK);
	CU_ASSERT_EQUAL(tu_set(st, "http_port", "8081", NULL), STORE_OK);
	CU_ASSERT_EQUAL(tu_set(st, "web_logout_timer", "9", NULL), STORE_OK);
	CU_ASSERT_EQUAL(tu_set(st, "https_port", "8443", NULL), STORE_OK);
	CU_ASSERT_EQUAL(store_audit_head(&head, st), STORE_OK);
	/* what store_audit_append's pruning does past 10,000 entries: the oldest go */
	snprintf(del, sizeof(del), "DELETE FROM audit WHERE seq <= %llu",
		 (unsigned long long)(old + 1));
	sql(path, del);

	pos = old;
	CU_ASSERT_EQUAL(store_feed_follow(&pos, &snap, st, seen_cb, s), STORE_OK);
	CU_ASSERT_EQUAL(s->n, 0); /* a partial story is not told */
	CU_ASSERT_PTR_NOT_NULL_FATAL(snap);
	CU_ASSERT_EQUAL(pos, head);
	CU_ASSERT_EQUAL(snap->head_seq, head);
	/* the snapshot says what changed since the old position */
	r = store_snapshot_find(snap, "http_port");
	CU_ASSERT(r && r->changed_seq > old && !strcmp(r->running, "8081"));
	r = store_snapshot_find(snap, "https_port");
	CU_ASSERT(r && r->changed_seq > old && r->source == STORE_SRC_CLI);
	r = store_snapshot_find(snap, "sip_user");
	CU_ASSERT(r == NULL || r->changed_seq <= old);
	store_snapshot_free(snap);
	snap = NULL;

	/* from the snapshot's head on, entries come one by one again */
	CU_ASSERT_EQUAL(tu_set(st, "http_port", "8082", NULL), STORE_OK);
	CU_ASSERT_EQUAL(store_feed_follow(&pos, &snap, st, seen_cb, s), STORE_OK);
	CU_ASSERT_PTR_NULL(snap);
	CU_ASSERT_EQUAL_FATAL(s->n, 1);
	CU_ASSERT_EQUAL(s->e[0].seq, head + 1);

	/* a position past the head (an older store file put in place): a snapshot too */
	s->n = 0;
	pos = head + 100;
	CU_ASSERT_EQUAL(store_feed_follow(&pos, &snap, st, seen_cb, s), STORE_OK);
	CU_ASSERT_EQUAL(s->n, 0);
	CU_ASSERT_PTR_NOT_NULL(snap);
	CU_ASSERT_EQUAL(pos, head + 1);
	store_snapshot_free(snap);
	free(s);
	store_close(st);
	tu_rmtree(dir);
	free(dir);
	free(path);
}

/* More entries than one batch: every one handed once, in order. */
static void test_batches(void)
{
	char *dir = NULL;
	struct store *st = tu_store_new(&dir, NULL);
	struct store_snapshot *snap = NULL;
	struct seen *s = calloc(1, sizeof(*s));
	uint64_t pos = 0, h0 = 0;
	bool order = true;

	CU_ASSERT_PTR_NOT_NULL_FATAL(st);
	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	CU_ASSERT_EQUAL(store_audit_head(&h0, st), STORE_OK);
	/* 64 a batch: 128 ends on a full batch, the 129th in one of its own */
	for (unsigned i = 0; i < 128; i++) {
		char v[16];
		snprintf(v, sizeof(v), "%u", 10 + i % 2);
		CU_ASSERT_EQUAL(tu_set(st, "web_logout_timer", v, NULL), STORE_OK);
	}
	pos = h0;
	CU_ASSERT_EQUAL(store_feed_follow(&pos, &snap, st, seen_cb, s), STORE_OK);
	CU_ASSERT_PTR_NULL(snap);
	CU_ASSERT_EQUAL(s->n, 128);
	CU_ASSERT_EQUAL(pos, h0 + 128);
	for (size_t i = 0; i < s->n; i++)
		order = order && s->e[i].seq == h0 + 1 + i;
	CU_ASSERT_TRUE(order);
	CU_ASSERT_EQUAL(tu_set(st, "http_port", "8090", NULL), STORE_OK);
	s->n = 0;
	CU_ASSERT_EQUAL(store_feed_follow(&pos, &snap, st, seen_cb, s), STORE_OK);
	CU_ASSERT_EQUAL(s->n, 1);
	CU_ASSERT_EQUAL(pos, h0 + 129);
	free(s);
	store_close(st);
	tu_rmtree(dir);
	free(dir);
}

/* A commit while entries are handed (here from inside the callback, as a daemon writing its
 * own state or another program does): no read is held, and it is neither lost nor handed twice. */
static void test_commit_during_drain(void)
{
	char *dir = NULL, *path = NULL, err[256];
	struct store *st = tu_store_new(&dir, &path), *other = NULL;
	struct store_snapshot *snap = NULL;
	struct seen *s = calloc(1, sizeof(*s));
	uint64_t pos = 0;
	int fd;

	CU_ASSERT_PTR_NOT_NULL_FATAL(st);
	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	CU_ASSERT_EQUAL_FATAL(store_open(&other, path, err, sizeof(err)), STORE_OK);
	fd = store_feed_fd(st);
	CU_ASSERT_FATAL(fd >= 0);
	CU_ASSERT_EQUAL(store_audit_head(&pos, st), STORE_OK);
	CU_ASSERT_EQUAL(tu_set(other, "http_port", "8100", NULL), STORE_OK);
	CU_ASSERT_TRUE(readable(fd, 10000));

	/* the callback commits on the follower's own handle: allowed, no read is held */
	s->writer = st;
	s->write_key = "https_port";
	s->write_value = "8443";
	CU_ASSERT_EQUAL(store_feed_follow(&pos, &snap, st, seen_cb, s), STORE_OK);
	CU_ASSERT_EQUAL(s->write_rc, STORE_OK);
	CU_ASSERT_EQUAL_FATAL(s->n, 1);
	CU_ASSERT_STRING_EQUAL(s->e[0].keys, "http_port");
	/* the commit came after the drain: the fd says so, and the next call hands it */
	CU_ASSERT_TRUE(readable(fd, 10000));
	s->writer = other;
	s->write_key = "web_logout_timer";
	s->write_value = "12";
	CU_ASSERT_EQUAL(store_feed_follow(&pos, &snap, st, seen_cb, s), STORE_OK);
	CU_ASSERT_EQUAL(s->write_rc, STORE_OK);
	CU_ASSERT_EQUAL_FATAL(s->n, 2);
	CU_ASSERT_STRING_EQUAL(s->e[1].keys, "https_port");
	CU_ASSERT_TRUE(readable(fd, 10000));
	CU_ASSERT_EQUAL(store_feed_follow(&pos, &snap, st, seen_cb, s), STORE_OK);
	CU_ASSERT_EQUAL_FATAL(s->n, 3);
	CU_ASSERT_STRING_EQUAL(s->e[2].keys, "web_logout_timer");
	/* all handed: quiet, and nothing comes twice */
	CU_ASSERT_FALSE(readable(fd, 50));
	CU_ASSERT_EQUAL(store_feed_follow(&pos, &snap, st, seen_cb, s), STORE_OK);
	CU_ASSERT_EQUAL(s->n, 3);

	/* a read the caller holds stays held: the callback's write is refused, not folded in */
	CU_ASSERT_EQUAL(tu_set(other, "http_port", "8101", NULL), STORE_OK);
	s->writer = st;
	s->write_key = "https_port";
	s->write_value = "8444";
	CU_ASSERT_EQUAL(store_read_begin(st), STORE_OK);
	CU_ASSERT_EQUAL(store_feed_follow(&pos, &snap, st, seen_cb, s), STORE_OK);
	store_read_end(st);
	CU_ASSERT_EQUAL(s->n, 4);
	CU_ASSERT_EQUAL(s->write_rc, STORE_E_INVALID);
	free(s);
	store_close(other);
	store_close(st);
	tu_rmtree(dir);
	free(dir);
	free(path);
}

int main(void)
{
	CU_pSuite s;

	if (CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	s = CU_add_suite("follow", NULL, NULL);
	CU_add_test(s, "entries with their registry rows", test_entries);
	CU_add_test(s, "unknown names counted, not handed", test_unknown_keys);
	CU_add_test(s, "fell behind the kept log", test_fell_behind);
	CU_add_test(s, "batches", test_batches);
	CU_add_test(s, "commit during the drain", test_commit_during_drain);
	return tu_run();
}
