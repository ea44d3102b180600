/* phonesec command line: `export` and `import`, the configuration file (backup and restore) over
 * store_config_export / store_config_import. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli_config.h"

static const struct option cli_config_plain[] = { CLI_OPTION_HELP, { 0 } };

/* Writes all of buf to fd; 0 or -1 with errno. */
static int cli_config_write_all(int fd, const char *buf, size_t len)
{
	while (len) {
		ssize_t n = write(fd, buf, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

/* Replaces path with text whole: a temporary file of the same folder (mode 0600), synced and
 * renamed over it, so a failure leaves the old file (or none) rather than half a new one. */
static int cli_config_write_file(const char *path, const char *text)
{
	size_t plen = strlen(path);
	char *tmp = malloc(plen + 8);
	int fd, rc = CLI_EXIT_STORE;

	if (!tmp) {
		cli_error("out of memory");
		return CLI_EXIT_STORE;
	}
	memcpy(tmp, path, plen);
	memcpy(tmp + plen, ".XXXXXX", 8);
	fd = mkostemp(tmp, O_CLOEXEC); /* 0600 */
	if (fd < 0) {
		cli_error("%s: %s", path, strerror(errno));
		free(tmp);
		return CLI_EXIT_STORE;
	}
	if (cli_config_write_all(fd, text, strlen(text)) || fsync(fd)) {
		cli_error("%s: %s", path, strerror(errno));
		close(fd);
		goto out;
	}
	if (close(fd) || rename(tmp, path)) {
		cli_error("%s: %s", path, strerror(errno));
		goto out;
	}
	rc = CLI_EXIT_OK;
out:
	if (rc != CLI_EXIT_OK)
		unlink(tmp);
	free(tmp);
	return rc;
}

int cli_cmd_export(struct cli *cli, int argc, char **argv)
{
	char *text = NULL;
	int status, rc, err;

	while (cli_getopt(cli, argc, argv, "", cli_config_plain, &status) != -1)
		;
	if (status >= 0)
		return status;
	if (argc - optind > 1)
		return cli_usage_error(cli, "give at most one FILE");
	rc = cli_open_store(cli);
	if (rc != CLI_EXIT_OK)
		return rc;
	err = store_config_export(&text, cli->st);
	if (err != STORE_OK)
		return cli_report_store(cli, err);
	if (optind < argc && strcmp(argv[optind], "-") != 0) {
		rc = cli_config_write_file(argv[optind], text);
	} else if (fputs(text, stdout) == EOF || fflush(stdout) == EOF) {
		cli_error("stdout: %s", strerror(errno));
		rc = CLI_EXIT_STORE;
	}
	free(text);
	return rc;
}

/* Reads at most STORE_CONFIG_MAX + 1 bytes of path ("-" = stdin) into *buf (malloc'd), so a
 * larger file is seen as one by the store, which refuses it. */
static int cli_config_read(char **buf, size_t *len, const char *path)
{
	bool in = strcmp(path, "-") == 0;
	int fd = in ? STDIN_FILENO : open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	size_t n = 0;

	*buf = NULL;
	*len = 0;
	if (fd < 0) {
		cli_error("%s: %s", path, strerror(errno));
		return CLI_EXIT_USAGE;
	}
	char *b = malloc(STORE_CONFIG_MAX + 1);
	if (!b) {
		if (!in)
			close(fd);
		cli_error("out of memory");
		return CLI_EXIT_STORE;
	}
	while (n < STORE_CONFIG_MAX + 1) {
		ssize_t r = read(fd, b + n, STORE_CONFIG_MAX + 1 - n);

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			cli_error("%s: %s", in ? "stdin" : path, strerror(errno));
			free(b);
			if (!in)
				close(fd);
			return CLI_EXIT_USAGE;
		}
		if (r == 0)
			break;
		n += (size_t)r;
	}
	if (!in)
		close(fd);
	*buf = b;
	*len = n;
	return CLI_EXIT_OK;
}

int cli_cmd_import(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		CLI_OPTION_HELP,
		{ "save", no_argument, NULL, CLI_OPT_SAVE },
		{ 0 },
	};
	unsigned flags = STORE_TXN_RUNNING;
	const char *path, *name;
	char *text = NULL;
	size_t len = 0;
	int c, status, rc, err;

	while ((c = cli_getopt(cli, argc, argv, "", opts, &status)) != -1)
		if (c == CLI_OPT_SAVE)
			flags = STORE_TXN_BOTH;
	if (status >= 0)
		return status;
	if (argc - optind != 1)
		return cli_usage_error(cli, "give one FILE, or - for stdin");
	path = argv[optind];
	name = strcmp(path, "-") == 0 ? "stdin" : path;
	rc = cli_config_read(&text, &len, path);
	if (rc != CLI_EXIT_OK)
		return rc;
	rc = cli_open_store(cli);
	if (rc != CLI_EXIT_OK)
		goto out;
	err = store_config_import(NULL, cli->st, text, len, flags, &cli->who);
	if (err == STORE_E_LOCKED && cli->who.role != STORE_ROLE_ADMIN)
		cli_error("import: %s", store_errmsg(cli->st));
	else if (err != STORE_OK && cli_exit_code(err) == CLI_EXIT_USAGE)
		cli_error("%s: %s", name, store_errmsg(cli->st)); /* the file is to blame */
	else if (err != STORE_OK)
		cli_report_store(cli, err);
	rc = cli_exit_code(err);
out:
	/* the file may carry secrets in clear */
	if (text)
		explicit_bzero(text, len);
	free(text);
	return rc;
}
