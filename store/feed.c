/* The change feed's wake-up: an inotify watch on the store's folder that turns readable when any
 * process writes the store or its WAL, so daemons follow the audit log without polling. */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <string.h>
#include <sys/inotify.h>
#include <unistd.h>

#include "internal.h"

int store_feed_fd(struct store *st)
{
	int fd;
	if (!st)
		return -1;
	if (st->feed_fd >= 0)
		return st->feed_fd;
	fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	if (fd < 0) {
		store_fail(st, STORE_E_IO, "inotify: %s", strerror(errno));
		return -1;
	}
	/* The WAL file comes and goes with the last connection: watch the folder, filter by name.
	 * No IN_CLOSE_WRITE: every reader closes its read-write fds, a commit always writes. */
	if (inotify_add_watch(fd, st->dir, IN_MODIFY | IN_CREATE | IN_MOVED_TO) < 0) {
		store_fail(st, STORE_E_IO, "inotify on %s: %s", st->dir, strerror(errno));
		close(fd);
		return -1;
	}
	st->feed_fd = fd;
	return fd;
}

/* True for the store file itself and its "-wal" companion. */
static bool relevant(const struct store *st, const char *name)
{
	size_t bl = strlen(st->base);
	return strncmp(name, st->base, bl) == 0 && (name[bl] == '\0' || strcmp(name + bl, "-wal") == 0);
}

int store_feed_drain(struct store *st)
{
	char buf[4096] __attribute__((aligned(__alignof__(struct inotify_event))));
	int hits = 0;
	if (!st || st->feed_fd < 0)
		return 0;
	for (;;) {
		ssize_t n = read(st->feed_fd, buf, sizeof(buf));
		if (n <= 0) {
			if (n < 0 && errno == EINTR)
				continue;
			break;
		}
		for (char *p = buf; p < buf + n;) {
			const struct inotify_event *ev = (const struct inotify_event *)p;
			if (ev->len && relevant(st, ev->name))
				hits++;
			if (ev->mask & IN_Q_OVERFLOW)
				hits++;
			p += sizeof(*ev) + ev->len;
		}
	}
	return hits;
}
