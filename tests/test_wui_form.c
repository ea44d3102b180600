/* Unit tests of wui/form: forms, cookies, Accept-Language and HTML escaping of the web UI. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <CUnit/Basic.h>

#include "wui/form.h"

static void test_form_parse(void)
{
	struct wui_form f;
	const char *b = "user=ann+lee&pass=a%26b%3Dc&empty=&flag";

	CU_ASSERT_EQUAL(wui_form_parse(&f, b, strlen(b)), 0);
	CU_ASSERT_EQUAL(f.n, 4);
	CU_ASSERT_STRING_EQUAL(wui_form_get(&f, "user"), "ann lee");
	CU_ASSERT_STRING_EQUAL(wui_form_get(&f, "pass"), "a&b=c");
	CU_ASSERT_STRING_EQUAL(wui_form_get(&f, "empty"), "");
	CU_ASSERT_STRING_EQUAL(wui_form_get(&f, "flag"), "");
	CU_ASSERT_PTR_NULL(wui_form_get(&f, "none"));
	/* not NUL-terminated: only len bytes count */
	CU_ASSERT_EQUAL(wui_form_parse(&f, "a=1&b=2", 3), 0);
	CU_ASSERT_EQUAL(f.n, 1);
	CU_ASSERT_EQUAL(wui_form_parse(&f, "", 0), 0);
	CU_ASSERT_EQUAL(f.n, 0);
	CU_ASSERT_EQUAL(wui_form_parse(&f, "&&a=1&&", 7), 0);
	CU_ASSERT_EQUAL(f.n, 1);
}

static void test_form_malformed(void)
{
	static const char *const bad[] = {
		"a=%", "a=%4", "a=%zz", "a=%00", "a=%0a", "a=%7f", "a=%c3%a4", "=x", "A=1",
		"a-b=1", "a=1&a=2", "n%61me=1&name=2", "a=\x01",
	};
	struct wui_form f;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		CU_ASSERT_EQUAL(wui_form_parse(&f, bad[i], strlen(bad[i])), -1);
		CU_ASSERT_EQUAL(f.n, 0);
	}
	/* too long a value, too many fields, too big a body */
	char big[WUI_FORM_BODY_MAX + 2];
	memset(big, 'x', sizeof(big));
	memcpy(big, "a=", 2);
	CU_ASSERT_EQUAL(wui_form_parse(&f, big, WUI_FORM_VALUE_MAX + 2), -1);
	CU_ASSERT_EQUAL(wui_form_parse(&f, big, WUI_FORM_VALUE_MAX + 1), 0);
	CU_ASSERT_EQUAL(wui_form_parse(&f, big, sizeof(big)), -1);
	char many[WUI_FORM_FIELDS_MAX * 8 + 16] = "";
	for (int i = 0; i <= WUI_FORM_FIELDS_MAX; i++)
		sprintf(many + strlen(many), "f%d=1&", i);
	CU_ASSERT_EQUAL(wui_form_parse(&f, many, strlen(many)), -1);
}

static void test_form_field(void)
{
	char *v = NULL;
	const char *b = "token=ab12&config=a+%3D+1%0D%0Ab+%3D+2%0A%09x";

	CU_ASSERT_EQUAL(wui_form_field(&v, b, strlen(b), "config", 100), 0);
	CU_ASSERT_STRING_EQUAL(v, "a = 1\r\nb = 2\n\tx");
	free(v);
	CU_ASSERT_EQUAL(wui_form_field(&v, b, strlen(b), "token", 4), 0);
	CU_ASSERT_STRING_EQUAL(v, "ab12");
	free(v);
	CU_ASSERT_EQUAL(wui_form_field(&v, b, strlen(b), "token", 3), -1); /* too long */
	CU_ASSERT_PTR_NULL(v);
	CU_ASSERT_EQUAL(wui_form_field(&v, b, strlen(b), "none", 10), 1);
	CU_ASSERT_PTR_NULL(v);
	static const char *const bad[] = { "config=%00", "config=%zz", "config=a&config=b", "=1&config=a",
					   "config=%01" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		CU_ASSERT_EQUAL(wui_form_field(&v, bad[i], strlen(bad[i]), "config", 100), -1);
		CU_ASSERT_PTR_NULL(v);
	}
	CU_ASSERT_EQUAL(wui_form_field(&v, "config", 6, "config", 10), 0);
	CU_ASSERT_STRING_EQUAL(v, "");
	free(v);
}

static void test_form_cookie(void)
{
	char v[33];

	CU_ASSERT_EQUAL(wui_form_cookie(v, sizeof(v), "a=1; wuisid=abc123; b=2", "wuisid"), 0);
	CU_ASSERT_STRING_EQUAL(v, "abc123");
	CU_ASSERT_EQUAL(wui_form_cookie(v, sizeof(v), "wuisid=abc", "wuisid"), 0);
	CU_ASSERT_STRING_EQUAL(v, "abc");
	CU_ASSERT_EQUAL(wui_form_cookie(v, sizeof(v), "xwuisid=abc", "wuisid"), -1);
	CU_ASSERT_EQUAL(wui_form_cookie(v, sizeof(v), "wuisid=", "wuisid"), -1);
	CU_ASSERT_EQUAL(wui_form_cookie(v, sizeof(v), "wuisid=a\"b", "wuisid"), -1);
	CU_ASSERT_EQUAL(wui_form_cookie(v, 4, "wuisid=abcd", "wuisid"), -1);
	CU_ASSERT_EQUAL(wui_form_cookie(v, sizeof(v), "", "wuisid"), -1);
	CU_ASSERT_EQUAL(wui_form_cookie(v, sizeof(v), ";;;", "wuisid"), -1);
}

static void test_form_lang(void)
{
	CU_ASSERT_EQUAL(wui_form_lang(NULL), WUI_LANG_EN);
	CU_ASSERT_EQUAL(wui_form_lang(""), WUI_LANG_EN);
	CU_ASSERT_EQUAL(wui_form_lang("de-DE,de;q=0.9,en;q=0.8"), WUI_LANG_DE);
	CU_ASSERT_EQUAL(wui_form_lang("en-US,en;q=0.9,de;q=0.8"), WUI_LANG_EN);
	CU_ASSERT_EQUAL(wui_form_lang("fr, de;q=0.5"), WUI_LANG_DE);
	CU_ASSERT_EQUAL(wui_form_lang("de;q=0"), WUI_LANG_EN);
	CU_ASSERT_EQUAL(wui_form_lang("dex, fr"), WUI_LANG_EN);
	CU_ASSERT_EQUAL(wui_form_lang("DE"), WUI_LANG_DE);
}

static void test_form_escape(void)
{
	char out[64];

	CU_ASSERT_EQUAL(wui_form_escape(out, sizeof(out), "<a href=\"x\">'&'</a>"), 53);
	CU_ASSERT_STRING_EQUAL(out, "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;");
	CU_ASSERT_EQUAL(wui_form_escape(out, sizeof(out), ""), 0);
	CU_ASSERT_EQUAL(wui_form_escape(out, 5, "&"), 0 - 1);
	CU_ASSERT_STRING_EQUAL(out, "");
	CU_ASSERT_EQUAL(wui_form_escape(out, 6, "&"), 5);
}

int main(void)
{
	if (CU_initialize_registry() != CUE_SUCCESS)
		return CU_get_error();
	CU_pSuite s = CU_add_suite("wui_form", NULL, NULL);
	CU_add_test(s, "parse", test_form_parse);
	CU_add_test(s, "malformed", test_form_malformed);
	CU_add_test(s, "field", test_form_field);
	CU_add_test(s, "cookie", test_form_cookie);
	CU_add_test(s, "lang", test_form_lang);
	CU_add_test(s, "escape", test_form_escape);
	CU_basic_set_mode(CU_BRM_NORMAL);
	CU_basic_run_tests();
	unsigned fails = CU_get_number_of_failures();
	CU_cleanup_registry();
	return fails ? 1 : 0;
}
