/* The change feed's wake-up: every committer writes the store's "-feed" companion after its commit
 * is visible; an inotify watch on that file lets daemons follow the audit log without polling. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <limits.h>
#include <string.h>
#include <sys/inotify.h>
#include <unistd.h>

#include "internal.h"

/* Adds the watch on "<store>-feed", creating the file when it is not there yet. */
static int watch_feed(struct store *st, int fd)
{
	char path[4096];
	int f;
	if ((size_t)snprintf(path, sizeof(path), "%s-feed", st->path) >= sizeof(path))
		return store_fail(st, STORE_E_INVALID, "%s: path too long", st->path);
	f = open(path, O_WRONLY | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (f < 0)
		return store_fail(st, STORE_E_IO, "%s: %s", path, strerror(errno));
	close(f);
	/* Only the companion is watched: SQLite writes a commit's WAL frames before it publishes the
	 * commit, so a wake-up from the WAL could read too early; readers write the WAL's index and
	 * create the WAL too. The committer writes "-feed" after its commit is visible. */
	if (inotify_add_watch(fd, path, IN_MODIFY | IN_DELETE_SELF | IN_MOVE_SELF) < 0)
		return store_fail(st, STORE_E_IO, "inotify on %s: %s", path, strerror(errno));
	return STORE_OK;
}

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
	if (watch_feed(st, fd) != STORE_OK) {
		close(fd);
		return -1;
	}
	st->feed_fd = fd;
	return fd;
}

void store_feed_notify(struct store *st)
{
	static const char mark = '\n';
	if (st->quiet)
		return;
	if (st->notify_fd < 0) {
		char path[4096];
		if ((size_t)snprintf(path, sizeof(path), "%s-feed", st->path) >= sizeof(path))
			return;
		st->notify_fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
		if (st->notify_fd < 0)
			return;
	}
	/* one byte at offset 0: the file never grows; the write is the signal */
	if (pwrite(st->notify_fd, &mark, 1, 0) != 1) {
		close(st->notify_fd);
		st->notify_fd = -1;
	}
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
			if (ev->mask & (IN_MODIFY | IN_Q_OVERFLOW))
				hits++;
			/* the companion was removed or replaced: watch the new one, and wake the
			 * follower, which re-reads the audit log anyway */
			if (ev->mask & IN_IGNORED) {
				watch_feed(st, st->feed_fd);
				hits++;
			}
			p += sizeof(*ev) + ev->len;
		}
	}
	return hits;
}
