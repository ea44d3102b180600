/* Following changes: the one loop every follower of the audit log shares (SNMP notifications,
 * TR-069 value changes, the web UI), handing each entry with its settings as registry rows. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "internal.h"

/* Entries read per query: bounds the memory a follower far behind needs. */
#define FOLLOW_BATCH 64
/* Longer names are no registry key. */
#define FOLLOW_KEY_MAX 64

/* Maps the entry's comma-separated names onto registry rows (rows has room for cap) and hands it
 * to fn. Unknown names are counted, not handed: a follower acts on settings it knows. */
static void follow_hand(const struct store_audit_entry *e, const struct store_setting **rows,
			size_t cap, store_feed_fn fn, void *arg)
{
	struct store_change c = {
		.seq = e->seq, .time_ms = e->time_ms, .action = e->action, .source = e->source,
		.both_layers = e->both_layers, .principal = e->principal, .settings = rows,
	};
	const char *p = e->keys;

	while (p && *p) {
		const char *end = strchr(p, ',');
		size_t n = end ? (size_t)(end - p) : strlen(p);
		const struct store_setting *s = NULL;
		char key[FOLLOW_KEY_MAX];

		if (n > 0 && n < sizeof(key)) {
			memcpy(key, p, n);
			key[n] = '\0';
			s = store_registry_find(key);
		}
		/* an entry names each setting once, so cap (the registry's size) is never reached
		 * by a log this store wrote; a damaged one only loses the surplus */
		if (s && c.count < cap)
			rows[c.count++] = s;
		else if (n > 0)
			c.unknown++;
		p = end ? end + 1 : NULL;
	}
	if (fn)
		fn(arg, &c);
}

int store_feed_follow(uint64_t *seq, struct store_snapshot **resync, struct store *st,
		      store_feed_fn fn, void *arg)
{
	const struct store_setting **rows = NULL;
	struct store_audit_entry *e = NULL;
	size_t n = 0, cap = store_registry_count();
	uint64_t head = 0;
	bool held = false, first = true, more;
	int rc;

	if (resync)
		*resync = NULL;
	if (!seq || !resync || !st)
		return STORE_E_INVALID;
	/* drained before the read: a commit from here on makes the fd readable again, so an entry
	 * this read misses wakes the follower once more */
	store_feed_drain(st);
	rows = calloc(cap ? cap : 1, sizeof(*rows));
	if (!rows)
		return store_fail(st, STORE_E_NOMEM, "out of memory");
	/* The head and the first batch come from one state of the store: an entry trimmed between
	 * the two reads could otherwise look like a gap, or a gap like nothing new. */
	rc = store_read_begin(st);
	if (rc)
		goto out;
	held = true;
	rc = store_audit_head(&head, st);
	if (rc || head == *seq)
		goto out;
	if (head < *seq)
		goto behind; /* another (older) store file was put in place */
	do {
		rc = store_audit_since(&e, &n, st, *seq, FOLLOW_BATCH);
		if (rc)
			goto out;
		if (!first && n == 0) {
			store_audit_free(e, n);
			e = NULL;
			break; /* the last batch was full and nothing came after it */
		}
		/* sequences have no gaps (AUTOINCREMENT, rolled back with a failed commit): a
		 * first entry past *seq + 1 means the ones between were trimmed */
		if (n == 0 || e[0].seq != *seq + 1) {
			store_audit_free(e, n);
			e = NULL;
			goto behind;
		}
		if (held) {
			store_read_end(st); /* fn may write */
			held = false;
		}
		for (size_t i = 0; i < n; i++) {
			*seq = e[i].seq;
			follow_hand(&e[i], rows, cap, fn, arg);
		}
		more = n == FOLLOW_BATCH;
		store_audit_free(e, n);
		e = NULL;
		first = false;
	} while (more);
	goto out;
behind:
	/* joins the held read (the first batch): the snapshot is the state the head came from */
	rc = store_snapshot_take(resync, st);
	if (rc == STORE_OK)
		*seq = (*resync)->head_seq;
out:
	if (held)
		store_read_end(st);
	free(rows);
	return rc;
}
