/* The change feed's wake-up: an inotify watch on the store's folder that turns readable when any
 * process writes the store or its WAL, so daemons follow the audit log without polling. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
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
	/* Watch the folder and filter by name: "-feed" is created by the first commit after the
	 * follower started. No IN_CLOSE_WRITE: a commit always writes. */
	if (inotify_add_watch(fd, st->dir, IN_MODIFY | IN_CREATE) < 0) {
		store_fail(st, STORE_E_IO, "inotify on %s: %s", st->dir, strerror(errno));
		close(fd);
		return -1;
	}
	st->feed_fd = fd;
	return fd;
}

/* True for the "-feed" companion. The WAL itself is not watched: SQLite writes a commit's frames
 * before it publishes the commit in the wal-index, so a follower woken by the WAL write could read
 * too early; and readers create the WAL too. */
static bool relevant(const struct store *st, const char *name)
{
	size_t bl = strlen(st->base);
	return strncmp(name, st->base, bl) == 0 && strcmp(name + bl, "-feed") == 0;
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
			if (ev->len && relevant(st, ev->name))
				hits++;
			if (ev->mask & IN_Q_OVERFLOW)
				hits++;
			p += sizeof(*ev) + ev->len;
		}
	}
	return hits;
}
