/* phonesec command line: the commands that write or verify: init, set, save, discard, boot, lock,
 * unlock, factory-reset and verify. Every change is one store transaction, all or nothing. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "cli.h"

/* Parses options that are only --help. Returns -1 to go on, else the exit code. */
static int plain_options(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = { CLI_OPTION_HELP, { 0 } };
	int status;

	while (cli_getopt(cli, argc, argv, "", opts, &status) != -1)
		;
	return status;
}

/* Parses --help and --profile FILE (init, factory-reset; --yes too when yes is non-NULL). */
static int profile_options(struct cli *cli, int argc, char **argv, const char **profile, bool *yes)
{
	static const struct option opts[] = {
		CLI_OPTION_HELP,
		{ "profile", required_argument, NULL, CLI_OPT_PROFILE },
		{ "yes", no_argument, NULL, 'y' },
		{ 0 },
	};
	int c, status;

	while ((c = cli_getopt(cli, argc, argv, "y", opts, &status)) != -1) {
		if (c == CLI_OPT_PROFILE) {
			*profile = optarg;
		} else if (c == 'y' && yes) {
			*yes = true;
		} else {
			return cli_usage_error(cli, "unknown option '%s'", argv[optind - 1]);
		}
	}
	if (status < 0 && optind < argc)
		return cli_usage_error(cli, "unexpected argument '%s'", argv[optind]);
	return status;
}

int cli_cmd_init(struct cli *cli, int argc, char **argv)
{
	const char *profile = NULL;
	char *generated = NULL;
	char errbuf[512] = "";
	int rc, err;

	rc = profile_options(cli, argc, argv, &profile, NULL);
	if (rc >= 0)
		goto out;
	err = store_create(cli->path, profile, &generated, errbuf, sizeof(errbuf));
	if (err != STORE_OK) {
		if (!errbuf[0])
			snprintf(errbuf, sizeof(errbuf), "%s", store_strerror(err));
		if (strstr(errbuf, cli->path) || (profile && strstr(errbuf, profile)))
			cli_error("%s", errbuf);
		else
			cli_error("%s: %s", cli->path, errbuf);
		rc = cli_exit_code(err);
		goto out;
	}
	cli_error("created %s", cli->path);
	cli_show_generated(generated);
	rc = CLI_EXIT_OK;
out:
	store_secret_wipe(generated);
	return rc;
}

/* One KEY=VALUE argument of set. key points into argv; value too, except for a secret: then it
 * is secret, a copy (wiped at the end) taken before the argument was blanked. */
struct assignment {
	const char *key;
	const char *value;
	char *secret;
};

int cli_cmd_set(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		CLI_OPTION_HELP,
		{ "save", no_argument, NULL, CLI_OPT_SAVE },
		{ 0 },
	};
	struct assignment *list = NULL;
	struct store_txn *txn = NULL;
	unsigned flags = STORE_TXN_RUNNING;
	size_t n = 0;
	bool bad = false;
	int c, status, rc, err = STORE_OK;

	while ((c = cli_getopt(cli, argc, argv, "", opts, &status)) != -1)
		if (c == CLI_OPT_SAVE)
			flags = STORE_TXN_BOTH;
	rc = status;
	if (rc >= 0)
		goto out;
	if (optind >= argc) {
		rc = cli_usage_error(cli, "give at least one KEY=VALUE");
		goto out;
	}
	n = (size_t)(argc - optind);
	list = calloc(n, sizeof(*list));
	if (!list) {
		cli_error("out of memory");
		rc = CLI_EXIT_STORE;
		goto out;
	}
	/* Every argument is checked for form and duplicates before the store is touched. */
	for (size_t i = 0; i < n; i++) {
		char *arg = argv[optind + (int)i];
		char *eq = strchr(arg, '=');
		const struct store_setting *s;

		if (!eq || eq == arg) {
			cli_error("'%s': expected KEY=VALUE", arg);
			bad = true;
			continue;
		}
		*eq = '\0'; /* argv is ours to change */
		list[i].key = arg;
		list[i].value = eq + 1;
		s = store_registry_find(arg);
		if (s && s->type == STORE_TYPE_SECRET) {
			/* Blank it in argv at once: /proc/PID/cmdline shows argv to local users. */
			list[i].value = list[i].secret = strdup(eq + 1);
			explicit_bzero(eq + 1, strlen(eq + 1));
			if (!list[i].secret) {
				cli_error("out of memory");
				rc = CLI_EXIT_STORE;
				goto out;
			}
		}
	}
	for (size_t i = 0; i < n; i++)
		for (size_t k = 0; k < i && list[i].key; k++)
			if (list[k].key && strcmp(list[k].key, list[i].key) == 0) {
				cli_error("%s: given twice", list[i].key);
				bad = true;
				break;
			}
	if (bad) {
		fprintf(stderr, "Try 'phonesec set --help'.\n");
		rc = CLI_EXIT_USAGE;
		goto out;
	}
	/* A secret given as "-" is read from stdin, one line each in argument order (no echo on
	 * a terminal): it never appears on a command line. Nothing read is an error, not "". */
	for (size_t i = 0; i < n; i++) {
		if (!list[i].secret || strcmp(list[i].secret, "-") != 0)
			continue;
		char prompt[96], *line = NULL;
		bool line_read;

		snprintf(prompt, sizeof(prompt), "%s: ", list[i].key);
		err = cli_secret_read(&line, prompt);
		line_read = err != STORE_OK || line[0];
		if (err == STORE_OK && !line[0]) {
			store_secret_wipe(line);
			line = NULL;
			err = STORE_E_VALUE;
		}
		if (err != STORE_OK) {
			cli_error("%s: %s", list[i].key,
				  err == STORE_E_VALUE && !line_read ? "no value on stdin"
								     : cli_secret_read_problem(err));
			err = STORE_OK;
			rc = CLI_EXIT_USAGE;
			goto out;
		}
		store_secret_wipe(list[i].secret);
		list[i].value = list[i].secret = line;
	}
	rc = cli_open_store(cli);
	if (rc != CLI_EXIT_OK)
		goto out;
	err = store_txn_begin(&txn, cli->st, flags, &cli->who);
	if (err != STORE_OK) {
		rc = cli_report_store(cli, err);
		goto out;
	}
	/* Set every value even after a failure, so every bad one is reported at once. */
	for (size_t i = 0; i < n; i++) {
		int e = store_txn_set(txn, list[i].key, list[i].value);

		if (e != STORE_OK && err == STORE_OK)
			err = e;
		if (e == STORE_E_NOMEM || e == STORE_E_IO || e == STORE_E_BUSY)
			break;
	}
	if (err == STORE_OK)
		err = store_txn_commit(txn, NULL);
	rc = err == STORE_OK ? CLI_EXIT_OK : cli_report_txn(txn, err);
out:
	for (size_t i = 0; list && i < n; i++)
		store_secret_wipe(list[i].secret);
	store_txn_free(txn);
	free(list);
	return rc;
}

/* save, discard and boot: one call without arguments. */
static int layer_command(struct cli *cli, int argc, char **argv, int (*op)(struct cli *cli))
{
	int rc, err;

	rc = plain_options(cli, argc, argv);
	if (rc >= 0)
		return rc;
	if (optind < argc)
		return cli_usage_error(cli, "unexpected argument '%s'", argv[optind]);
	rc = cli_open_store(cli);
	if (rc != CLI_EXIT_OK)
		return rc;
	err = op(cli);
	if (err != STORE_OK)
		return cli_report_store(cli, err);
	return CLI_EXIT_OK;
}

static int op_save(struct cli *cli)
{
	return store_save(cli->st, &cli->who);
}

static int op_discard(struct cli *cli)
{
	return store_discard(cli->st, &cli->who);
}

static int op_boot(struct cli *cli)
{
	return store_boot(cli->st, &cli->who);
}

int cli_cmd_save(struct cli *cli, int argc, char **argv)
{
	return layer_command(cli, argc, argv, op_save);
}

int cli_cmd_discard(struct cli *cli, int argc, char **argv)
{
	return layer_command(cli, argc, argv, op_discard);
}

int cli_cmd_boot(struct cli *cli, int argc, char **argv)
{
	return layer_command(cli, argc, argv, op_boot);
}

static int lock_command(struct cli *cli, int argc, char **argv, bool locked)
{
	const char *const *keys;
	size_t n;
	int rc, err;

	rc = plain_options(cli, argc, argv);
	if (rc >= 0)
		return rc;
	if (optind >= argc)
		return cli_usage_error(cli, "give at least one KEY");
	if (cli->who.role != STORE_ROLE_ADMIN) {
		cli_error("%s: only the provider (administrator role) may change locks",
			  cli->cmd->name);
		return CLI_EXIT_USAGE;
	}
	keys = (const char *const *)&argv[optind];
	n = (size_t)(argc - optind);
	rc = cli_check_keys(keys, n, false);
	if (rc != CLI_EXIT_OK)
		return rc;
	rc = cli_open_store(cli);
	if (rc != CLI_EXIT_OK)
		return rc;
	err = store_lock_set(cli->st, keys, n, locked, &cli->who);
	if (err != STORE_OK)
		return cli_report_store(cli, err);
	return CLI_EXIT_OK;
}

int cli_cmd_lock(struct cli *cli, int argc, char **argv)
{
	return lock_command(cli, argc, argv, true);
}

int cli_cmd_unlock(struct cli *cli, int argc, char **argv)
{
	return lock_command(cli, argc, argv, false);
}

/* Asks "yes" on the terminal. Returns true when confirmed. */
static bool confirm(const char *path)
{
	char line[16];

	fprintf(stderr, "Reset every setting, both layers and every lock of %s to the factory "
			"profile? Type 'yes' to go on: ", path);
	fflush(stderr);
	if (!fgets(line, sizeof(line), stdin))
		return false;
	line[strcspn(line, "\r\n")] = '\0';
	return strcmp(line, "yes") == 0 || strcmp(line, "y") == 0;
}

int cli_cmd_factory_reset(struct cli *cli, int argc, char **argv)
{
	const char *profile = NULL;
	char *generated = NULL;
	bool yes = false;
	int rc, err;

	rc = profile_options(cli, argc, argv, &profile, &yes);
	if (rc >= 0)
		goto out;
	if (!yes && !cli_interactive()) {
		rc = cli_usage_error(cli, "no terminal to confirm on: give --yes to reset %s",
				     cli->path);
		goto out;
	}
	rc = cli_open_store(cli);
	if (rc != CLI_EXIT_OK)
		goto out;
	if (!yes && !confirm(cli->path)) {
		cli_error("factory-reset: not confirmed, nothing changed");
		rc = CLI_EXIT_FAIL;
		goto out;
	}
	err = store_factory_reset(cli->st, profile, &cli->who, &generated);
	if (err != STORE_OK) {
		rc = cli_report_store(cli, err);
		goto out;
	}
	cli_error("%s reset to the factory profile", cli->path);
	cli_show_generated(generated);
	rc = CLI_EXIT_OK;
out:
	store_secret_wipe(generated);
	return rc;
}

int cli_cmd_verify(struct cli *cli, int argc, char **argv)
{
	char *candidate = NULL;
	char prompt[96];
	int rc, err;

	rc = plain_options(cli, argc, argv);
	if (rc >= 0)
		goto out;
	if (optind + 1 != argc) {
		rc = cli_usage_error(cli, "give exactly one KEY (the secret is read from stdin)");
		goto out;
	}
	rc = cli_check_keys((const char *const *)&argv[optind], 1, true);
	if (rc != CLI_EXIT_OK)
		goto out;
	rc = cli_open_store(cli);
	if (rc != CLI_EXIT_OK)
		goto out;
	snprintf(prompt, sizeof(prompt), "%s: ", argv[optind]);
	err = cli_secret_read(&candidate, prompt);
	if (err == STORE_E_VALUE || err == STORE_E_TYPE) {
		cli_error("%s: %s", argv[optind], cli_secret_read_problem(err));
		rc = CLI_EXIT_USAGE;
		goto out;
	}
	if (err != STORE_OK) {
		cli_error("%s: cannot read the secret from stdin: %s", argv[optind],
			  store_strerror(err));
		rc = CLI_EXIT_STORE;
		goto out;
	}
	err = store_secret_verify(cli->st, argv[optind], candidate);
	if (err == STORE_E_DENIED) {
		cli_error("%s: does not match", argv[optind]);
		rc = CLI_EXIT_FAIL;
	} else if (err != STORE_OK) {
		rc = cli_report_store(cli, err);
	} else {
		rc = CLI_EXIT_OK;
	}
out:
	store_secret_wipe(candidate);
	return rc;
}
