/* phonesec command line: `harden`, the hardening guide's steps as one store transaction, with
 * passwords from options, a no-echo prompt, or generated and shown once. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "cli.h"

#define HARDEN_PASSWORD_LEN 16
#define HARDEN_PIN_LEN 6
#define HARDEN_DEFAULT_USER "admin"

/* The three secrets harden sets; value is malloc'd and wiped at the end. */
struct harden_secret {
	const char *key;
	const char *option;
	size_t min_len;      /* beyond the registry's range (the admin password policy) */
	size_t gen_len;
	bool digits;
	char *value;
	bool generated;
};

/* One step of the transaction. */
struct harden_step {
	const char *key;
	const char *value;
};

/* Takes a copy of a password option and blanks it in argv (and so in /proc/PID/cmdline). */
static int take_option(char **dst, char *arg)
{
	store_secret_wipe(*dst);
	*dst = strdup(arg);
	explicit_bzero(arg, strlen(arg));
	return *dst ? 0 : -1;
}

/* Fills the secrets not given: generated, or asked on the terminal. Returns an exit code. */
static int harden_fill(struct cli *cli, struct harden_secret *sec, size_t n, bool generate)
{
	bool tty = cli_interactive(), missing = false;

	for (size_t i = 0; i < n; i++) {
		int err;

		if (sec[i].value)
			continue;
		if (generate) {
			err = cli_secret_generate(&sec[i].value, sec[i].gen_len, sec[i].digits);
			if (err != STORE_OK) {
				cli_error("%s: cannot generate: %s", sec[i].key, store_strerror(err));
				return CLI_EXIT_STORE;
			}
			sec[i].generated = true;
		} else if (tty) {
			err = cli_secret_ask_new(&sec[i].value, store_registry_find(sec[i].key),
						 sec[i].min_len);
			if (err != STORE_OK) {
				cli_error("%s: no value entered, nothing changed", sec[i].key);
				return CLI_EXIT_USAGE;
			}
		} else {
			cli_error("%s: give %s, or --generate (no terminal to ask on)", sec[i].key,
				  sec[i].option);
			missing = true;
		}
	}
	return missing ? cli_usage_error(cli, "missing passwords") : CLI_EXIT_OK;
}

/* Chooses the web UI user: the option, else the current one, else "admin". */
static int harden_user(char **user, struct cli *cli, const char *option)
{
	char *current = NULL;
	int err;

	if (option) {
		*user = strdup(option);
		return *user ? STORE_OK : STORE_E_NOMEM;
	}
	err = store_get(&current, cli->st, "http_user");
	if (err != STORE_OK)
		return err;
	if (current[0]) {
		*user = current;
		return STORE_OK;
	}
	free(current);
	*user = strdup(HARDEN_DEFAULT_USER);
	return *user ? STORE_OK : STORE_E_NOMEM;
}

/* Writes every step as one transaction. sec: admin password, http password, PIN. Returns an
 * exit code; messages printed. */
static int harden_commit(struct cli *cli, unsigned flags, const char *user,
			 const struct harden_secret *sec)
{
	/* The guide's order; http_user comes before http_pass, whose HA1s use it. */
	const struct harden_step steps[] = {
		{ "admin_mode_password", sec[0].value },
		{ "http_user", user },
		{ "http_pass", sec[1].value },
		{ "use_hidden_tags", "on" },
		{ "http_scheme", "digest" },
		{ "admin_mode", "off" },
		{ "webserver_type", "https" },
		{ "enable_keyboard_lock", "on" },
		{ "keyboard_lock_pw", sec[2].value },
	};
	const size_t n = sizeof(steps) / sizeof(steps[0]);
	struct store_txn *txn = NULL;
	int err, rc;

	err = store_txn_begin(&txn, cli->st, flags, &cli->who);
	if (err != STORE_OK) {
		rc = cli_report_store(cli, err);
		goto out;
	}
	/* Every step is set even after a failure, so every problem is reported at once. */
	for (size_t i = 0; i < n; i++) {
		int e = store_txn_set(txn, steps[i].key, steps[i].value);

		if (err == STORE_OK)
			err = e;
	}
	if (err == STORE_OK)
		err = store_txn_commit(txn, NULL);
	rc = err == STORE_OK ? CLI_EXIT_OK : cli_report_txn(txn, err);
out:
	store_txn_free(txn);
	return rc;
}

int cli_cmd_harden(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		CLI_OPTION_HELP,
		{ "admin-password", required_argument, NULL, CLI_OPT_ADMIN_PW },
		{ "http-user", required_argument, NULL, CLI_OPT_HTTP_USER },
		{ "http-password", required_argument, NULL, CLI_OPT_HTTP_PW },
		{ "pin", required_argument, NULL, CLI_OPT_PIN },
		{ "generate", no_argument, NULL, CLI_OPT_GENERATE },
		{ "save", no_argument, NULL, CLI_OPT_SAVE },
		{ 0 },
	};
	/* In the order harden_commit() expects. */
	struct harden_secret sec[] = {
		{ .key = "admin_mode_password", .option = "--admin-password",
		  .min_len = STORE_ADMIN_PASSWORD_MIN, .gen_len = HARDEN_PASSWORD_LEN },
		{ .key = "http_pass", .option = "--http-password", .min_len = 1,
		  .gen_len = HARDEN_PASSWORD_LEN },
		{ .key = "keyboard_lock_pw", .option = "--pin", .min_len = 4,
		  .gen_len = HARDEN_PIN_LEN, .digits = true },
	};
	const size_t nsec = sizeof(sec) / sizeof(sec[0]);
	const char *user_opt = NULL;
	char *user = NULL;
	unsigned flags = STORE_TXN_RUNNING;
	bool generate = false, any_generated = false;
	int c, status, rc = CLI_EXIT_OK, err;

	while ((c = cli_getopt(cli, argc, argv, "", opts, &status)) != -1) {
		int slot = -1;

		switch (c) {
		case CLI_OPT_ADMIN_PW:
			slot = 0;
			break;
		case CLI_OPT_HTTP_PW:
			slot = 1;
			break;
		case CLI_OPT_PIN:
			slot = 2;
			break;
		case CLI_OPT_HTTP_USER:
			user_opt = optarg;
			break;
		case CLI_OPT_GENERATE:
			generate = true;
			break;
		case CLI_OPT_SAVE:
			flags = STORE_TXN_BOTH;
			break;
		default:
			break;
		}
		if (slot >= 0 && take_option(&sec[slot].value, optarg) < 0) {
			cli_error("out of memory");
			rc = CLI_EXIT_STORE;
			goto out;
		}
	}
	if (status >= 0) {
		rc = status;
		goto out;
	}
	if (optind < argc) {
		rc = cli_usage_error(cli, "unexpected argument '%s'", argv[optind]);
		goto out;
	}
	/* The policy check that `phonesec check` applies, before anything is asked or written. */
	if (sec[0].value && strlen(sec[0].value) < STORE_ADMIN_PASSWORD_MIN) {
		rc = cli_usage_error(cli, "admin_mode_password: must have at least %d characters",
				     STORE_ADMIN_PASSWORD_MIN);
		goto out;
	}
	rc = cli_open_store(cli);
	if (rc != CLI_EXIT_OK)
		goto out;
	err = harden_user(&user, cli, user_opt);
	if (err != STORE_OK) {
		rc = cli_report_store(cli, err);
		goto out;
	}
	rc = harden_fill(cli, sec, nsec, generate);
	if (rc != CLI_EXIT_OK)
		goto out;
	rc = harden_commit(cli, flags, user, sec);
	if (rc != CLI_EXIT_OK)
		goto out;
	/* Shown only now: a password of a transaction that failed was never in effect. */
	for (size_t i = 0; i < nsec; i++)
		any_generated |= sec[i].generated;
	if (any_generated) {
		fflush(stdout);
		fprintf(stderr, "phonesec: generated secrets, shown only this once:\n");
		for (size_t i = 0; i < nsec; i++)
			if (sec[i].generated)
				printf("%s=%s\n", sec[i].key, sec[i].value);
		fflush(stdout);
	}
	cli_error("hardened: web UI user '%s', HTTPS only, Digest, hidden tags, user mode, "
		  "keypad lock%s", user,
		  flags & STORE_TXN_BOTH ? "" : " (unsaved: 'phonesec save' keeps it after a restart)");
out:
	for (size_t i = 0; i < nsec; i++)
		store_secret_wipe(sec[i].value);
	free(user);
	return rc;
}
