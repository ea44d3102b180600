/* phonesec command line: the read commands get, list, audit and check, as text or --json.
 * Secrets never appear: the store returns "" for them and list shows only their state. */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"

#define AUDIT_DEFAULT 20
#define AUDIT_MAX 100000

static const char *type_name(enum store_type t)
{
	switch (t) {
	case STORE_TYPE_BOOL:
		return "bool";
	case STORE_TYPE_ENUM:
		return "enum";
	case STORE_TYPE_UINT:
		return "uint";
	case STORE_TYPE_STRING:
		return "string";
	case STORE_TYPE_SECRET:
		return "secret";
	}
	return "?";
}

/* A secret's state instead of its value: "set", "default" (the factory value) or "empty". */
static const char *secret_state(const struct store_row *row)
{
	if (!row->secret_set)
		return "empty";
	return row->is_factory ? "default" : "set";
}

static const char *source_name(enum store_source src)
{
	const char *name = store_source_name(src);
	return name ? name : "-";
}

/* Parses options that are only --help and --json. Returns -1 to go on, else the exit code. */
static int read_options(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = { CLI_OPTION_HELP, CLI_OPTION_JSON, { 0 } };
	int status;

	while (cli_getopt(cli, argc, argv, "", opts, &status) != -1)
		;
	return status;
}

/* read_options() for commands without arguments. */
static int read_no_arguments(struct cli *cli, int argc, char **argv)
{
	int rc = read_options(cli, argc, argv);
	if (rc < 0 && optind < argc)
		rc = cli_usage_error(cli, "unexpected argument '%s'", argv[optind]);
	return rc;
}

/* Opens the store and reads every setting in one snapshot, so the values shown belong to one
 * commit. Returns an exit code. */
static int take_snapshot(struct cli *cli, struct store_snapshot **snap)
{
	int rc = cli_open_store(cli), err;
	if (rc != CLI_EXIT_OK)
		return rc;
	err = store_snapshot_take(snap, cli->st);
	return err == STORE_OK ? CLI_EXIT_OK : cli_report_store(cli, err);
}

int cli_cmd_get(struct cli *cli, int argc, char **argv)
{
	struct store_snapshot *snap = NULL;
	struct cli_json j;
	int rc;

	rc = read_options(cli, argc, argv);
	if (rc >= 0)
		goto out;
	if (optind >= argc) {
		rc = cli_usage_error(cli, "give at least one KEY");
		goto out;
	}
	rc = cli_check_keys((const char *const *)&argv[optind], (size_t)(argc - optind), false);
	if (rc != CLI_EXIT_OK)
		goto out;
	rc = take_snapshot(cli, &snap);
	if (rc != CLI_EXIT_OK)
		goto out;
	if (cli->json) {
		cli_json_init(&j, stdout);
		cli_json_object_begin(&j);
	}
	for (int i = optind; i < argc; i++) {
		const struct store_row *row = store_snapshot_find(snap, argv[i]);
		const char *value = row ? row->running : "";

		if (row && row->setting->type == STORE_TYPE_SECRET)
			value = ""; /* the store does so already; stay safe if it ever changes */
		if (cli->json) {
			cli_json_key(&j, argv[i]);
			cli_json_string(&j, value);
		} else {
			printf("%s\n", value);
		}
	}
	if (cli->json) {
		cli_json_object_end(&j);
		cli_json_finish(&j);
	}
out:
	store_snapshot_free(snap);
	return rc;
}

static void list_json(const struct store_snapshot *snap)
{
	struct cli_json j;

	cli_json_init(&j, stdout);
	cli_json_array_begin(&j);
	for (size_t i = 0; i < snap->count; i++) {
		const struct store_row *row = &snap->rows[i];
		bool secret = row->setting->type == STORE_TYPE_SECRET;

		cli_json_object_begin(&j);
		cli_json_key(&j, "key");
		cli_json_string(&j, row->setting->key);
		cli_json_key(&j, "type");
		cli_json_string(&j, type_name(row->setting->type));
		cli_json_key(&j, "value");
		cli_json_string(&j, secret ? "" : row->running);
		if (secret) {
			cli_json_key(&j, "state");
			cli_json_string(&j, secret_state(row));
		}
		cli_json_key(&j, "source");
		cli_json_string(&j, source_name(row->source));
		cli_json_key(&j, "locked");
		cli_json_bool(&j, row->locked);
		cli_json_key(&j, "unsaved");
		cli_json_bool(&j, row->unsaved);
		cli_json_key(&j, "factory");
		cli_json_bool(&j, row->is_factory);
		cli_json_object_end(&j);
	}
	cli_json_array_end(&j);
	cli_json_finish(&j);
}

static void list_text(const struct store_snapshot *snap)
{
	printf("%-24s %-22s %-8s %-6s %s\n", "KEY", "VALUE", "SOURCE", "LOCK", "UNSAVED");
	for (size_t i = 0; i < snap->count; i++) {
		const struct store_row *row = &snap->rows[i];
		char state[16];
		const char *value = row->running;

		if (row->setting->type == STORE_TYPE_SECRET) {
			snprintf(state, sizeof(state), "(%s)", secret_state(row));
			value = state;
		}
		printf("%-24s %-22s %-8s %-6s %s\n", row->setting->key, value,
		       source_name(row->source), row->locked ? "locked" : "-",
		       row->unsaved ? "*" : "");
	}
	if (snap->unsaved)
		printf("* unsaved: 'phonesec save' keeps the changes, 'phonesec discard' drops them\n");
}

int cli_cmd_list(struct cli *cli, int argc, char **argv)
{
	struct store_snapshot *snap = NULL;
	int rc;

	rc = read_no_arguments(cli, argc, argv);
	if (rc >= 0)
		goto out;
	rc = take_snapshot(cli, &snap);
	if (rc != CLI_EXIT_OK)
		goto out;
	if (cli->json)
		list_json(snap);
	else
		list_text(snap);
out:
	store_snapshot_free(snap);
	return rc;
}

static void format_time(char *buf, size_t len, int64_t ms)
{
	time_t t = (time_t)(ms / 1000);
	struct tm tm;

	if (!gmtime_r(&t, &tm) || strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		snprintf(buf, len, "?");
}

/* An entry written before the audit kept roles has none: "-". */
static const char *role_name(enum store_role role)
{
	return role == STORE_ROLE_ADMIN || role == STORE_ROLE_SUBSCRIBER ||
			       role == STORE_ROLE_LOCAL_ADMIN
		       ? store_role_name(role)
		       : "-";
}

static void audit_json(const struct store_audit_entry *e, size_t n)
{
	struct cli_json j;
	char when[32];

	cli_json_init(&j, stdout);
	cli_json_array_begin(&j);
	for (size_t i = 0; i < n; i++) {
		const char *k = e[i].keys;
		const char *action = store_action_name(e[i].action);

		format_time(when, sizeof(when), e[i].time_ms);
		cli_json_object_begin(&j);
		cli_json_key(&j, "seq");
		cli_json_uint(&j, e[i].seq);
		cli_json_key(&j, "time");
		cli_json_string(&j, when);
		cli_json_key(&j, "time_ms");
		cli_json_int(&j, e[i].time_ms);
		cli_json_key(&j, "action");
		cli_json_string(&j, action ? action : "?");
		cli_json_key(&j, "source");
		cli_json_string(&j, source_name(e[i].source));
		cli_json_key(&j, "both_layers");
		cli_json_bool(&j, e[i].both_layers);
		cli_json_key(&j, "role");
		cli_json_string(&j, role_name(e[i].role));
		cli_json_key(&j, "principal");
		cli_json_string(&j, e[i].principal);
		cli_json_key(&j, "keys");
		cli_json_array_begin(&j);
		/* keys is "a,b,c": one JSON string per name. */
		while (k && *k) {
			size_t len = strcspn(k, ",");
			char name[128];

			snprintf(name, sizeof(name), "%.*s", (int)len, k);
			if (len > 0)
				cli_json_string(&j, name);
			k += len;
			if (*k == ',')
				k++;
		}
		cli_json_array_end(&j);
		cli_json_object_end(&j);
	}
	cli_json_array_end(&j);
	cli_json_finish(&j);
}

static void audit_text(const struct store_audit_entry *e, size_t n)
{
	char when[32], action[32];

	printf("%-6s %-20s %-9s %-7s %-13s %-16s %s\n", "SEQ", "TIME (UTC)", "ACTION", "SOURCE",
	       "ROLE", "PRINCIPAL", "KEYS");
	for (size_t i = 0; i < n; i++) {
		const char *name = store_action_name(e[i].action);

		format_time(when, sizeof(when), e[i].time_ms);
		snprintf(action, sizeof(action), "%s%s", name ? name : "?",
			 e[i].action == STORE_ACT_SET && e[i].both_layers ? "+save" : "");
		printf("%-6" PRIu64 " %-20s %-9s %-7s %-13s %-16s %s\n", e[i].seq, when, action,
		       source_name(e[i].source), role_name(e[i].role),
		       e[i].principal[0] ? e[i].principal : "-", e[i].keys);
	}
}

int cli_cmd_audit(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		CLI_OPTION_HELP,
		CLI_OPTION_JSON,
		{ "count", required_argument, NULL, 'n' },
		{ 0 },
	};
	struct store_audit_entry *entries = NULL;
	size_t n = 0, max = AUDIT_DEFAULT;
	int c, status, rc, err;

	while ((c = cli_getopt(cli, argc, argv, "n:", opts, &status)) != -1) {
		char *end;
		unsigned long v;

		/* 'n' is the only option of our own. */
		errno = 0;
		v = strtoul(optarg, &end, 10);
		if (optarg[0] < '0' || optarg[0] > '9' || *end || errno || v < 1 ||
		    v > AUDIT_MAX) {
			rc = cli_usage_error(cli, "-n: '%s' is not a number in 1..%d", optarg,
					     AUDIT_MAX);
			goto out;
		}
		max = v;
	}
	rc = status;
	if (rc >= 0)
		goto out;
	if (optind < argc) {
		rc = cli_usage_error(cli, "unexpected argument '%s'", argv[optind]);
		goto out;
	}
	rc = cli_open_store(cli);
	if (rc != CLI_EXIT_OK)
		goto out;
	err = store_audit_last(&entries, &n, cli->st, max);
	if (err != STORE_OK) {
		rc = cli_report_store(cli, err);
		goto out;
	}
	if (cli->json)
		audit_json(entries, n);
	else
		audit_text(entries, n);
out:
	store_audit_free(entries, n);
	return rc;
}

static void check_json(const struct store_compliance *comp)
{
	struct cli_json j;

	cli_json_init(&j, stdout);
	cli_json_object_begin(&j);
	cli_json_key(&j, "hardened");
	cli_json_bool(&j, comp->hardened);
	cli_json_key(&j, "rules");
	cli_json_array_begin(&j);
	for (size_t i = 0; i < comp->count; i++) {
		const struct store_rule *rule = store_compliance_rule(i);

		cli_json_object_begin(&j);
		cli_json_key(&j, "id");
		cli_json_string(&j, rule ? rule->id : "?");
		cli_json_key(&j, "status");
		cli_json_string(&j, store_rule_status_name(comp->status[i]));
		cli_json_key(&j, "title");
		cli_json_string(&j, rule ? rule->title : "");
		if (comp->status[i] == STORE_RULE_FAIL) {
			cli_json_key(&j, "hint");
			cli_json_string(&j, rule ? rule->hint : "");
		}
		cli_json_object_end(&j);
	}
	cli_json_array_end(&j);
	cli_json_object_end(&j);
	cli_json_finish(&j);
}

static void check_text(const struct store_compliance *comp)
{
	size_t failed = 0;

	printf("%-24s %-6s %s\n", "RULE", "STATUS", "TITLE");
	for (size_t i = 0; i < comp->count; i++) {
		const struct store_rule *rule = store_compliance_rule(i);

		printf("%-24s %-6s %s\n", rule ? rule->id : "?",
		       store_rule_status_name(comp->status[i]), rule ? rule->title : "");
		if (comp->status[i] == STORE_RULE_FAIL) {
			failed++;
			if (rule && rule->hint && rule->hint[0])
				printf("%-24s %-6s -> %s\n", "", "", rule->hint);
		}
	}
	if (comp->hardened)
		printf("hardened: every rule passes or is n/a\n");
	else
		printf("not hardened: %zu of %zu rules fail\n", failed, comp->count);
}

int cli_cmd_check(struct cli *cli, int argc, char **argv)
{
	struct store_snapshot *snap = NULL;
	struct store_compliance comp = { 0 };
	int rc, err;

	rc = read_no_arguments(cli, argc, argv);
	if (rc >= 0)
		goto out;
	rc = take_snapshot(cli, &snap);
	if (rc != CLI_EXIT_OK)
		goto out;
	err = store_compliance_eval(&comp, snap);
	if (err != STORE_OK) {
		rc = cli_report_store(cli, err);
		goto out;
	}
	if (cli->json)
		check_json(&comp);
	else
		check_text(&comp);
	rc = comp.hardened ? CLI_EXIT_OK : CLI_EXIT_FAIL;
out:
	store_compliance_clear(&comp);
	store_snapshot_free(snap);
	return rc;
}
