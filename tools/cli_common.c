/* phonesec command line: helpers every command shares: the store-error to exit-code table, error
 * and usage messages, option parsing with --help/--json, opening the store, reporting a transaction. */
#include "config.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

/* The one mapping of store errors to exit codes. Unlisted codes are store errors (3). */
static const struct {
	int err;
	int exit_code;
} exit_map[] = {
	{ STORE_OK, CLI_EXIT_OK },
	{ STORE_E_UNKNOWN, CLI_EXIT_USAGE },
	{ STORE_E_NOT_WRITABLE, CLI_EXIT_USAGE },
	{ STORE_E_TYPE, CLI_EXIT_USAGE },
	{ STORE_E_VALUE, CLI_EXIT_USAGE },
	{ STORE_E_INCONSISTENT, CLI_EXIT_USAGE },
	{ STORE_E_LOCKED, CLI_EXIT_USAGE },
	{ STORE_E_INVALID, CLI_EXIT_USAGE },
	{ STORE_E_PROFILE, CLI_EXIT_USAGE },
	{ STORE_E_DENIED, CLI_EXIT_FAIL },
	{ STORE_E_NOMEM, CLI_EXIT_STORE },
	{ STORE_E_IO, CLI_EXIT_STORE },
	{ STORE_E_CORRUPT, CLI_EXIT_STORE },
	{ STORE_E_BUSY, CLI_EXIT_STORE },
	{ STORE_E_EXISTS, CLI_EXIT_STORE },
	{ STORE_E_NOT_FOUND, CLI_EXIT_STORE },
	{ STORE_E_SCHEMA, CLI_EXIT_STORE },
};

int cli_exit_code(int err)
{
	for (size_t i = 0; i < sizeof(exit_map) / sizeof(exit_map[0]); i++)
		if (exit_map[i].err == err)
			return exit_map[i].exit_code;
	return CLI_EXIT_STORE;
}

void cli_error(const char *fmt, ...)
{
	va_list ap;

	fflush(stdout);
	fputs("phonesec: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

int cli_usage_error(const struct cli *cli, const char *fmt, ...)
{
	va_list ap;
	const char *name = cli->cmd ? cli->cmd->name : NULL;

	fflush(stdout);
	fprintf(stderr, "phonesec%s%s: ", name ? " " : "", name ? name : "");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nTry 'phonesec%s%s --help'.\n", name ? " " : "", name ? name : "");
	return CLI_EXIT_USAGE;
}

void cli_command_help(const struct cli_command *cmd, FILE *f)
{
	fprintf(f, "usage: phonesec [-s STORE] [--role ROLE] %s%s%s\n\n%s\nOptions:\n%s", cmd->name,
		cmd->synopsis[0] ? " " : "", cmd->synopsis, cmd->help,
		cmd->options ? cmd->options : "");
	fprintf(f, "  %-20s %s\n", "-h, --help", "this help");
}

int cli_getopt(struct cli *cli, int argc, char **argv, const char *shortopts,
	       const struct option *longopts, int *status)
{
	char optstring[32];
	int c;

	*status = -1;
	opterr = 0;
	/* ':' first: a missing argument is reported as ':' and not as '?'. */
	snprintf(optstring, sizeof(optstring), ":h%s", shortopts);
	for (;;) {
		c = getopt_long(argc, argv, optstring, longopts, NULL);
		switch (c) {
		case 'h':
			cli_command_help(cli->cmd, stdout);
			*status = CLI_EXIT_OK;
			return -1;
		case CLI_OPT_JSON:
			cli->json = true;
			continue;
		case ':':
			*status = cli_usage_error(cli, "option '%s' needs a value", argv[optind - 1]);
			return -1;
		case '?':
			if (optopt)
				*status = cli_usage_error(cli, "unknown option '-%c'", optopt);
			else
				*status = cli_usage_error(cli, "unknown option '%s'", argv[optind - 1]);
			return -1;
		default:
			return c;
		}
	}
}

int cli_open_store(struct cli *cli)
{
	char errbuf[512] = "";
	int err;

	err = store_open(&cli->st, cli->path, errbuf, sizeof(errbuf));
	if (err == STORE_OK)
		return CLI_EXIT_OK;
	cli->st = NULL;
	/* The message must name the store; the library's usually does already. */
	if (!errbuf[0])
		snprintf(errbuf, sizeof(errbuf), "%s", store_strerror(err));
	if (strstr(errbuf, cli->path))
		cli_error("%s", errbuf);
	else
		cli_error("%s: %s", cli->path, errbuf);
	return cli_exit_code(err);
}

int cli_check_keys(const char *const *keys, size_t n, bool secret_only)
{
	int rc = CLI_EXIT_OK;

	for (size_t i = 0; i < n; i++) {
		const struct store_setting *s = store_registry_find(keys[i]);
		bool dup = false;

		for (size_t k = 0; k < i && !dup; k++)
			dup = strcmp(keys[k], keys[i]) == 0;
		if (!s) {
			cli_error("%s: unknown setting", keys[i]);
			rc = CLI_EXIT_USAGE;
		} else if (dup) {
			cli_error("%s: given twice", keys[i]);
			rc = CLI_EXIT_USAGE;
		} else if (secret_only && s->type != STORE_TYPE_SECRET) {
			cli_error("%s: not a secret", keys[i]);
			rc = CLI_EXIT_USAGE;
		}
	}
	return rc;
}

int cli_report_txn(const struct store_txn *txn, int err)
{
	size_t n = store_txn_error_count(txn);
	int rc = CLI_EXIT_OK;

	for (size_t i = 0; i < n; i++) {
		const struct store_param_error *e = store_txn_error(txn, i);
		int code;

		if (!e)
			continue;
		code = cli_exit_code(e->code);
		if (code > rc)
			rc = code;
		if (e->code == STORE_E_LOCKED)
			cli_error("%s: locked by your provider", e->key);
		else if (e->msg && e->msg[0])
			cli_error("%s", e->msg);
		else
			cli_error("%s: %s", e->key, store_strerror(e->code));
	}
	if (n == 0 || rc == CLI_EXIT_OK) {
		cli_error("%s", store_txn_errmsg(txn));
		rc = cli_exit_code(err);
		if (rc == CLI_EXIT_OK)
			rc = CLI_EXIT_STORE;
	}
	return rc;
}

int cli_report_store(const struct cli *cli, int err)
{
	const char *msg = cli->st ? store_errmsg(cli->st) : "";

	if (!msg || !msg[0])
		msg = store_strerror(err);
	if (strstr(msg, cli->path))
		cli_error("%s", msg);
	else
		cli_error("%s: %s", cli->path, msg);
	return cli_exit_code(err);
}

void cli_show_generated(const char *generated)
{
	if (!generated || !generated[0])
		return;
	fflush(stdout);
	fprintf(stderr, "phonesec: generated secrets, shown only this once:\n");
	fputs(generated, stdout);
	if (generated[strlen(generated) - 1] != '\n')
		fputc('\n', stdout);
	fflush(stdout);
}

bool cli_interactive(void)
{
	return isatty(STDIN_FILENO) == 1;
}
