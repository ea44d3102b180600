/* Registry-vs-MIB test: every registry row has its scalar in PHONESEC-MIB with the same syntax,
 * range, enumeration labels/numbers and access, and psSettings holds no object without a row. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <CUnit/Basic.h>
#include <net-snmp/net-snmp-config.h>
#include <net-snmp/net-snmp-includes.h>

#include "store.h"

/* The psSettings node of the parsed MIB, set up by test_mib_init(). */
static struct tree *settings_node;

struct test_mib_range {
	uint32_t low, high;
};

/* The SIZE / range list the MIB must declare for row s (the rule mibs/PHONESEC-MIB.txt follows):
 * uint: (min..max); string: (min..max), with 0 added when "" is allowed; secret: the same, and 0
 * always (a secret reads back as a zero-length string). Returns the number of ranges. */
static size_t test_mib_expected_ranges(struct test_mib_range out[2], const struct store_setting *s)
{
	bool zero;

	if (s->type == STORE_TYPE_UINT) {
		out[0] = (struct test_mib_range){ s->min, s->max };
		return 1;
	}
	zero = s->min == 0 || (s->flags & STORE_F_EMPTY_OK) || s->type == STORE_TYPE_SECRET;
	if (!zero || s->min <= 1) {
		out[0] = (struct test_mib_range){ zero ? 0 : s->min, s->max };
		return 1;
	}
	out[0] = (struct test_mib_range){ 0, 0 };
	out[1] = (struct test_mib_range){ s->min, s->max };
	return 2;
}

static const char *test_mib_tc_name(const struct tree *t)
{
	const char *name = t->tc_index >= 0 ? get_tc_descriptor(t->tc_index) : NULL;
	return name ? name : "";
}

static struct tree *test_mib_child(const struct tree *parent, unsigned long subid)
{
	for (struct tree *c = parent->child_list; c; c = c->next_peer)
		if (c->subid == subid)
			return c;
	return NULL;
}

/* Checks one row; every mismatch is one CUnit failure naming the object. */
static void test_mib_check_row(const struct store_setting *s)
{
	struct tree *t = test_mib_child(settings_node, s->snmp_id);
	char what[160];

	snprintf(what, sizeof(what), "%s (key %s, psSettings.%u)", s->snmp, s->key, s->snmp_id);
	if (!t) {
		CU_FAIL(what);
		fprintf(stderr, "missing in MIB: %s\n", what);
		return;
	}
	if (strcmp(t->label, s->snmp) != 0) {
		fprintf(stderr, "%s: MIB names it %s\n", what, t->label);
		CU_FAIL("object name");
	}
	int want_access = (s->flags & STORE_F_READONLY) ? MIB_ACCESS_READONLY : MIB_ACCESS_READWRITE;
	if (t->access != want_access) {
		fprintf(stderr, "%s: access %d, want %d\n", what, t->access, want_access);
		CU_FAIL("access");
	}

	switch (s->type) {
	case STORE_TYPE_BOOL:
		if (t->type != TYPE_INTEGER || strcmp(test_mib_tc_name(t), "TruthValue") != 0) {
			fprintf(stderr, "%s: not a TruthValue\n", what);
			CU_FAIL("bool syntax");
		}
		return;
	case STORE_TYPE_ENUM: {
		size_t n_reg = 0, n_mib = 0;

		if (t->type != TYPE_INTEGER || t->tc_index >= 0) {
			fprintf(stderr, "%s: not a plain enumerated INTEGER\n", what);
			CU_FAIL("enum syntax");
		}
		for (const struct store_enum *e = s->enums; e->key; e++) {
			bool found = false;

			n_reg++;
			for (const struct enum_list *m = t->enums; m; m = m->next)
				if (m->value == e->number && strcmp(m->label, e->snmp) == 0)
					found = true;
			if (!found) {
				fprintf(stderr, "%s: enumeration %s(%d) missing\n", what, e->snmp,
					e->number);
				CU_FAIL("enum label");
			}
		}
		for (const struct enum_list *m = t->enums; m; m = m->next)
			n_mib++;
		if (n_mib != n_reg) {
			fprintf(stderr, "%s: %zu enumerations in the MIB, %zu in the registry\n", what,
				n_mib, n_reg);
			CU_FAIL("enum count");
		}
		return;
	}
	case STORE_TYPE_UINT:
		if (t->type != TYPE_UNSIGNED32 && t->type != TYPE_GAUGE) {
			fprintf(stderr, "%s: type %d is not Unsigned32\n", what, t->type);
			CU_FAIL("uint syntax");
		}
		break;
	case STORE_TYPE_STRING:
		if (t->type != TYPE_OCTETSTR || strcmp(test_mib_tc_name(t), "PhonesecText") != 0) {
			fprintf(stderr, "%s: not a PhonesecText\n", what);
			CU_FAIL("string syntax");
		}
		break;
	case STORE_TYPE_SECRET:
		if (t->type != TYPE_OCTETSTR || t->tc_index >= 0) {
			fprintf(stderr, "%s: not a plain OCTET STRING\n", what);
			CU_FAIL("secret syntax");
		}
		if (!t->description || !strstr(t->description, "zero-length")) {
			fprintf(stderr, "%s: DESCRIPTION does not say it reads back zero-length\n", what);
			CU_FAIL("secret description");
		}
		break;
	}

	struct test_mib_range want[2];
	size_t n_want = test_mib_expected_ranges(want, s), i = 0;
	const struct range_list *r = t->ranges;

	for (; r && i < n_want; r = r->next, i++)
		/* Net-SNMP keeps range bounds in an int: 4294967295 arrives as -1. */
		if ((uint32_t)r->low != want[i].low || (uint32_t)r->high != want[i].high) {
			fprintf(stderr, "%s: range %u..%u, want %u..%u\n", what, (uint32_t)r->low,
				(uint32_t)r->high, want[i].low, want[i].high);
			CU_FAIL("range");
		}
	if (r || i != n_want) {
		fprintf(stderr, "%s: number of ranges differs from the registry\n", what);
		CU_FAIL("range count");
	}
}

static void test_mib_every_row(void)
{
	CU_ASSERT_FATAL(settings_node != NULL);
	CU_ASSERT(store_registry_count() > 0);
	for (size_t i = 0; i < store_registry_count(); i++)
		test_mib_check_row(store_registry_at(i));
}

static void test_mib_no_orphan(void)
{
	size_t n = 0;

	CU_ASSERT_FATAL(settings_node != NULL);
	for (struct tree *c = settings_node->child_list; c; c = c->next_peer) {
		bool found = false;

		n++;
		for (size_t i = 0; i < store_registry_count(); i++)
			if (store_registry_at(i)->snmp_id == c->subid &&
			    strcmp(store_registry_at(i)->snmp, c->label) == 0)
				found = true;
		if (!found) {
			fprintf(stderr, "MIB object %s(%lu) under psSettings has no registry row\n",
				c->label, c->subid);
			CU_FAIL("orphan MIB object");
		}
	}
	CU_ASSERT_EQUAL(n, store_registry_count());
}

/* snmp_id and snmp names must be unique, or two rows would share one object. */
static void test_mib_unique_ids(void)
{
	for (size_t i = 0; i < store_registry_count(); i++)
		for (size_t j = i + 1; j < store_registry_count(); j++) {
			CU_ASSERT(store_registry_at(i)->snmp_id != store_registry_at(j)->snmp_id);
			CU_ASSERT(strcmp(store_registry_at(i)->snmp, store_registry_at(j)->snmp) != 0);
		}
}

/* The enumerations of the status objects equal the store's enums (same numbers). */
static void test_mib_status_enums(void)
{
	oid name[MAX_OID_LEN];
	size_t len = MAX_OID_LEN;
	struct tree *t;

	CU_ASSERT_FATAL(read_objid("PHONESEC-MIB::psLastChangeSource", name, &len) != 0);
	t = get_tree(name, len, get_tree_head());
	CU_ASSERT_FATAL(t != NULL);
	for (int src = STORE_SRC_FACTORY; src <= STORE_SRC_KEYPAD; src++) {
		bool found = false;

		for (const struct enum_list *m = t->enums; m; m = m->next)
			if (m->value == src && strcmp(m->label, store_source_name(src)) == 0)
				found = true;
		if (!found)
			fprintf(stderr, "psLastChangeSource lacks %s(%d)\n", store_source_name(src), src);
		CU_ASSERT(found);
	}
	len = MAX_OID_LEN;
	CU_ASSERT_FATAL(read_objid("PHONESEC-MIB::psComplianceStatus", name, &len) != 0);
	t = get_tree(name, len, get_tree_head());
	CU_ASSERT_FATAL(t != NULL);
	static const struct {
		int v;
		const char *label;
	} rule[] = { { STORE_RULE_PASS, "pass" }, { STORE_RULE_FAIL, "fail" },
		     { STORE_RULE_NA, "notApplicable" } };
	for (size_t i = 0; i < sizeof(rule) / sizeof(rule[0]); i++) {
		bool found = false;

		for (const struct enum_list *m = t->enums; m; m = m->next)
			if (m->value == rule[i].v && strcmp(m->label, rule[i].label) == 0)
				found = true;
		CU_ASSERT(found);
	}
}

/* MIBDIRS must name the base MIB folder and mibs/ (tests/mib_registry.sh sets it). */
static int test_mib_init(void)
{
	oid name[MAX_OID_LEN];
	size_t len = MAX_OID_LEN;

	if (!getenv("MIBDIRS")) {
		fprintf(stderr, "MIBDIRS is not set: run through tests/mib_registry.sh\n");
		return -1;
	}
	setenv("MIBS", "PHONESEC-MIB", 1);
	netsnmp_set_mib_directory(getenv("MIBDIRS"));
	snmp_set_save_descriptions(1);
	netsnmp_init_mib();
	if (!read_objid("PHONESEC-MIB::psSettings", name, &len)) {
		fprintf(stderr, "PHONESEC-MIB::psSettings not found in %s\n", getenv("MIBDIRS"));
		return -1;
	}
	settings_node = get_tree(name, len, get_tree_head());
	if (!settings_node || strcmp(settings_node->label, "psSettings") != 0)
		return -1;
	return 0;
}

static int test_mib_clean(void)
{
	shutdown_mib();
	return 0;
}

int main(void)
{
	CU_pSuite suite;
	unsigned failed;

	if (CU_initialize_registry() != CUE_SUCCESS)
		return 99;
	suite = CU_add_suite("mib", test_mib_init, test_mib_clean);
	CU_add_test(suite, "every registry row has its MIB object", test_mib_every_row);
	CU_add_test(suite, "no MIB setting without a registry row", test_mib_no_orphan);
	CU_add_test(suite, "snmp ids and names unique", test_mib_unique_ids);
	CU_add_test(suite, "status enumerations match the store", test_mib_status_enums);
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	failed = CU_get_number_of_failures() + CU_get_number_of_suites_failed();
	CU_cleanup_registry();
	return failed ? 1 : 0;
}
