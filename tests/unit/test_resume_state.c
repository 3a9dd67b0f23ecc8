/*
 * test_resume_state.c - the state file of an interrupted pull (pull
 * --resume): written and read back (hostile names too), refused when it is
 * no state file, judged by age and version, saved 0600 under
 * $XDG_STATE_HOME/siphon/resume/, and the stale sweep's question (does a
 * usable state file name this temporary?), and PostgreSQL's catalog
 * fingerprint, which a table's size must not move.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "engine/postgres/pg_pull_int.h"
#include "engine/resume_state.h"
#include "siphon.h"
#include "util/ctx.h"

static void
fill(struct siphon_resume_state *s, const char *into, const char *temp)
{
	memset(s, 0, sizeof(*s));
	assert_int_equal(siphon_resume_set(&s->version, SIPHON_VERSION), 0);
	assert_int_equal(siphon_resume_set(&s->engine, "postgres"), 0);
	assert_int_equal(siphon_resume_set(&s->host, "db.example"), 0);
	assert_int_equal(siphon_resume_set(&s->database, "shop"), 0);
	assert_int_equal(siphon_resume_set(&s->into, into), 0);
	assert_int_equal(siphon_resume_set(&s->temp, temp), 0);
	assert_int_equal(siphon_resume_fingerprint("table r public.t (a)\n", s->fingerprint), 0);
	s->time = 1700000000;
}

static void
roundtrip(struct siphon_resume_state *in, struct siphon_resume_state *out)
{
	struct siphon_strbuf buf = {0};

	assert_int_equal(siphon_resume_format(in, &buf), 0);
	assert_int_equal(siphon_resume_parse(buf.buf, buf.len, out), 0);
	siphon_strbuf_free(&buf);
}

static void
test_resume_state_roundtrip(void **state)
{
	struct siphon_resume_state a, b;

	(void)state;
	fill(&a, "shop_dev", "siphon_tmp_0000abcd_12_1700000000");
	/* Names hold anything a catalog may: newlines, '%', '=', quotes, UTF-8. */
	assert_int_equal(siphon_resume_add_done(&a, "public.\"a\nb%41=c\"", 42), 0);
	assert_int_equal(siphon_resume_add_done(&a, "\"sch\u00e9ma\".\"t 1\"", 0), 0);
	assert_int_equal(siphon_resume_set(&a.database, "we\tird\r%"), 0);
	roundtrip(&a, &b);
	assert_string_equal(b.version, SIPHON_VERSION);
	assert_string_equal(b.engine, "postgres");
	assert_string_equal(b.host, "db.example");
	assert_string_equal(b.database, "we\tird\r%");
	assert_string_equal(b.into, "shop_dev");
	assert_string_equal(b.temp, "siphon_tmp_0000abcd_12_1700000000");
	assert_string_equal(b.fingerprint, a.fingerprint);
	assert_int_equal(b.time, 1700000000);
	assert_int_equal(b.ndone, 2);
	assert_string_equal(b.done[0].name, "public.\"a\nb%41=c\"");
	assert_int_equal(b.done[0].rows, 42);
	assert_int_equal(b.done[1].rows, 0);
	assert_non_null(siphon_resume_find(&b, "\"sch\u00e9ma\".\"t 1\""));
	assert_null(siphon_resume_find(&b, "public.t"));
	siphon_resume_clear(&a);
	siphon_resume_clear(&b);
}

static void
test_resume_state_refused(void **state)
{
	static const char *bad[] = {
		"",
		/* No magic line. */
		"version=0.1.0\nengine=postgres\nhost=h\ndatabase=d\ninto=i\ntemp=t\ntime=1\nfingerprint="
		"0000000000000000000000000000000000000000000000000000000000000000\n",
		/* A short fingerprint. */
		"siphon-resume=1\nversion=0.1.0\nengine=postgres\nhost=h\ndatabase=d\ninto=i\ntemp=t\ntime=1\nfingerprint=00\n",
		/* No temporary. */
		"siphon-resume=1\nversion=0.1.0\nengine=postgres\nhost=h\ndatabase=d\ninto=i\ntime=1\nfingerprint="
		"0000000000000000000000000000000000000000000000000000000000000000\n",
		/* A NUL written as an escape. */
		"siphon-resume=1\nversion=0.1.0\nengine=postgres\nhost=h\ndatabase=d\ninto=i%00\ntemp=t\ntime=1\nfingerprint="
		"0000000000000000000000000000000000000000000000000000000000000000\n",
		/* A broken escape, then a bad done line. */
		"siphon-resume=1\nversion=0.1.0\nengine=postgres\nhost=h%4\ndatabase=d\ninto=i\ntemp=t\ntime=1\nfingerprint="
		"0000000000000000000000000000000000000000000000000000000000000000\n",
		"siphon-resume=1\nversion=0.1.0\nengine=postgres\nhost=h\ndatabase=d\ninto=i\ntemp=t\ntime=1\nfingerprint="
		"0000000000000000000000000000000000000000000000000000000000000000\ndone=-1 public.t\n",
		"siphon-resume=1\nversion=0.1.0\nengine=postgres\nhost=h\ndatabase=d\ninto=i\ntemp=t\ntime=x\nfingerprint="
		"0000000000000000000000000000000000000000000000000000000000000000\n",
	};
	struct siphon_resume_state s;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(siphon_resume_parse(bad[i], strlen(bad[i]), &s), -1);
		assert_null(s.temp);
	}
}

static void
test_resume_state_unusable(void **state)
{
	struct siphon_resume_state s;
	char why[256];

	(void)state;
	fill(&s, "i", "t");
	assert_int_equal(siphon_resume_unusable(&s, s.time + 3600, why, sizeof(why)), 0);
	assert_int_equal(siphon_resume_unusable(&s, s.time + 25 * 3600, why, sizeof(why)), 1);
	assert_string_equal(why, "it is 25 hours old (a kept copy is used for 24 hours)");
	assert_int_equal(siphon_resume_unusable(&s, s.time - 3600, why, sizeof(why)), 1);
	assert_int_equal(siphon_resume_set(&s.version, "0.0.1"), 0);
	assert_int_equal(siphon_resume_unusable(&s, s.time, why, sizeof(why)), 1);
	assert_non_null(strstr(why, "written by siphon 0.0.1"));
	siphon_resume_clear(&s);
}

static void
test_resume_state_save_load(void **state)
{
	char tmpl[] = "/tmp/siphon-test-resume.XXXXXX", path[4096], why[256], cmd[512];
	struct siphon_resume_state a, b;
	struct siphon_ctx *ctx = NULL;
	struct stat st;
	char *dir = mkdtemp(tmpl);

	(void)state;
	assert_non_null(dir);
	setenv("XDG_STATE_HOME", dir, 1);
	assert_int_equal(siphon_ctx_new(&ctx), 0);
	assert_int_equal(siphon_resume_load("postgres", "odd/name\n", &b, why, sizeof(why)), 0);
	fill(&a, "odd/name\n", "siphon_tmp_0000abcd_12_1700000000");
	assert_int_equal(siphon_resume_add_done(&a, "public.t", 7), 0);
	assert_int_equal(siphon_resume_save(ctx, &a), 0);
	assert_int_equal(siphon_resume_path("postgres", "odd/name\n", path, sizeof(path)), 0);
	assert_non_null(strstr(path, "/siphon/resume/postgres-"));
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	assert_int_equal(siphon_resume_load("postgres", "odd/name\n", &b, why, sizeof(why)), 1);
	assert_string_equal(b.temp, a.temp);
	assert_int_equal(b.ndone, 1);
	/* save stamps the time: usable now, so the sweep keeps its temporary. */
	assert_true(b.time >= (int64_t)time(NULL) - 5);
	assert_int_equal(siphon_resume_keeps("siphon_tmp_0000abcd_12_1700000000"), 1);
	assert_int_equal(siphon_resume_keeps("siphon_tmp_0000abcd_13_1700000000"), 0);
	siphon_resume_clear(&b);
	/* Another user's file is not trusted: not loaded, nothing kept for it. */
	if (geteuid() == 0) {
		assert_int_equal(chown(path, 65534, 65534), 0);
		assert_int_equal(siphon_resume_load("postgres", "odd/name\n", &b, why, sizeof(why)), -1);
		assert_non_null(strstr(why, "belongs to another user"));
		assert_int_equal(siphon_resume_keeps("siphon_tmp_0000abcd_12_1700000000"), 0);
	}
	siphon_resume_remove("postgres", "odd/name\n");
	assert_int_equal(siphon_resume_load("postgres", "odd/name\n", &b, why, sizeof(why)), 0);
	assert_int_equal(siphon_resume_keeps("siphon_tmp_0000abcd_12_1700000000"), 0);
	siphon_resume_clear(&a);
	siphon_ctx_free(ctx);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
	unsetenv("XDG_STATE_HOME");
}

/*
 * The catalog lists tables largest first; autovacuum grows a table (its
 * visibility map) between an interrupted pull and its --resume: the same
 * tables in another order have the same fingerprint, another column not.
 */
static void
test_resume_pg_fingerprint_order(void **state)
{
	struct siphon_pg_table t[3] = {
		{.relkind = 'r', .qname = "public.t1", .columns = "id, a"},
		{.relkind = 'r', .qname = "public.t10", .columns = "id, a"},
		{.relkind = 'p', .qname = "\"Odd\".\"x y\"", .columns = "k"},
	};
	struct siphon_pg_table u[3] = {t[2], t[0], t[1]};
	struct pg a = {0}, b = {0};
	struct siphon_strbuf fa = {0}, fb = {0};

	(void)state;
	a.cat.tables = t;
	a.cat.ntables = 3;
	b.cat.tables = u;
	b.cat.ntables = 3;
	assert_int_equal(pg_catalog_fingerprint(&a, &fa), 0);
	assert_int_equal(pg_catalog_fingerprint(&b, &fb), 0);
	assert_string_equal(siphon_strbuf_str(&fa), siphon_strbuf_str(&fb));
	u[1].columns = "id, a, b";
	assert_int_equal(pg_catalog_fingerprint(&b, &fb), 0);
	assert_string_not_equal(siphon_strbuf_str(&fa), siphon_strbuf_str(&fb));
	siphon_strbuf_free(&fa);
	siphon_strbuf_free(&fb);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_resume_state_roundtrip),
		cmocka_unit_test(test_resume_state_refused),
		cmocka_unit_test(test_resume_state_unusable),
		cmocka_unit_test(test_resume_state_save_load),
		cmocka_unit_test(test_resume_pg_fingerprint_order),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
