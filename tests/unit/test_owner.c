/* test_owner.c - ownership kept where the local role exists (pg_owner.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/postgres/pg_owner.h"

static char *known[] = {"app", "Mixed Case", "we\"ird", "pg_database_owner"};

static struct siphon_pg_roles
roles(void)
{
	struct siphon_pg_roles r = {0};

	r.n = 4;
	r.names = malloc(sizeof(char *) * 4);
	for (int i = 0; i < 4; i++)
		r.names[i] = strdup(known[i]);
	siphon_pg_roles_sort(&r);
	return r;
}

static int
drop(const char *line, const struct siphon_pg_roles *r)
{
	return siphon_pg_owner_drop(line, strlen(line), r);
}

static void
test_owner_drop_decisions(void **state)
{
	struct siphon_pg_roles r = roles();

	(void)state;
	assert_true(siphon_pg_roles_has(&r, "app"));
	assert_false(siphon_pg_roles_has(&r, "bob"));
	/* Kept: the role exists here. */
	assert_int_equal(drop("ALTER TABLE public.t OWNER TO app;", &r), 0);
	assert_int_equal(drop("ALTER TABLE \"S\".\"t\" OWNER TO \"Mixed Case\";", &r), 0);
	assert_int_equal(drop("ALTER TABLE x OWNER TO \"we\"\"ird\";", &r), 0);
	assert_int_equal(drop("ALTER SCHEMA public OWNER TO pg_database_owner;", &r), 0);
	/* Dropped: unknown roles, however they are quoted. */
	assert_int_equal(drop("ALTER TABLE public.t OWNER TO bob;", &r), 1);
	assert_int_equal(drop("ALTER FUNCTION public.f() OWNER TO \"Bob Smith\";", &r), 1);
	assert_int_equal(drop("ALTER LARGE OBJECT 16392 OWNER TO bob;", &r), 1);
	assert_int_equal(drop("ALTER TABLE \"a OWNER TO app;\" OWNER TO bob;", &r), 1);
	/* Not OWNER TO statements: never dropped. */
	assert_int_equal(drop("CREATE TABLE t (a int);", &r), 0);
	assert_int_equal(drop("ALTER TABLE t ADD COLUMN owner text;", &r), 0);
	assert_int_equal(drop("COMMENT ON TABLE t IS 'x OWNER TO bob;';", &r), 0);
	assert_int_equal(drop("ALTER TABLE t OWNER TO bob", &r), 0);
	assert_int_equal(drop("ALTER TABLE t OWNER TO \"unterminated;", &r), 0);
	assert_int_equal(drop("", &r), 0);
	siphon_pg_roles_clear(&r);
}

static void
test_owner_filter_text_respects_quoting(void **state)
{
	struct siphon_pg_roles r = roles();
	struct siphon_pg_dropped dropped = {0};
	char *out;

	(void)state;
	out = siphon_pg_owner_filter_text(
	    "CREATE TABLE public.t (a int);\n"
	    "ALTER TABLE public.t OWNER TO bob;\n"
	    "ALTER TABLE public.u OWNER TO app;\n"
	    "CREATE FUNCTION f() RETURNS void LANGUAGE sql AS $$\n"
	    "ALTER TABLE x OWNER TO bob;\n"
	    "$$;\n"
	    "COMMENT ON TABLE t IS 'multi\n"
	    "ALTER TABLE y OWNER TO bob;\n"
	    "';\n"
	    "ALTER SEQUENCE s OWNER TO bob;", &r, &dropped);
	assert_non_null(out);
	assert_int_equal(dropped.owners, 2);
	assert_int_equal(dropped.missing.n, 1);
	assert_string_equal(dropped.missing.names[0], "bob");
	assert_string_equal(out,
	    "CREATE TABLE public.t (a int);\n"
	    "ALTER TABLE public.u OWNER TO app;\n"
	    "CREATE FUNCTION f() RETURNS void LANGUAGE sql AS $$\n"
	    "ALTER TABLE x OWNER TO bob;\n"
	    "$$;\n"
	    "COMMENT ON TABLE t IS 'multi\n"
	    "ALTER TABLE y OWNER TO bob;\n"
	    "';\n");
	free(out);
	siphon_pg_dropped_clear(&dropped);
	siphon_pg_roles_clear(&r);
}

/*
 * User mappings for roles the workstation lacks are left out whole, over
 * all their lines (OPTIONS, a literal holding newlines and ";"); PUBLIC's
 * and known roles' stay.
 */
static void
test_owner_user_mappings(void **state)
{
	struct siphon_pg_roles r = roles();
	struct siphon_pg_dropped dropped = {0};
	char *out;

	(void)state;
	assert_int_equal(siphon_pg_mapping_drop("CREATE USER MAPPING FOR bob SERVER s;", 37, &r), 1);
	assert_int_equal(siphon_pg_mapping_drop("CREATE USER MAPPING FOR public SERVER s;", 40, &r), 0);
	assert_int_equal(siphon_pg_mapping_drop("CREATE USER MAPPING FOR app SERVER s;", 37, &r), 0);
	out = siphon_pg_owner_filter_text(
	    "CREATE SERVER s FOREIGN DATA WRAPPER postgres_fdw;\n"
	    "CREATE USER MAPPING FOR bob SERVER s OPTIONS (\n"
	    "    password 'x;\n"
	    "\\restrict y;',\n"
	    "    \"user\" 'bob'\n"
	    ");\n"
	    "CREATE USER MAPPING FOR \"Carol\" SERVER s;\n"
	    "CREATE USER MAPPING FOR public SERVER s OPTIONS (\n"
	    "    \"user\" 'guest'\n"
	    ");\n"
	    "CREATE USER MAPPING FOR app SERVER s;\n"
	    "ALTER SERVER s OWNER TO bob;\n", &r, &dropped);
	assert_non_null(out);
	assert_string_equal(out,
	    "CREATE SERVER s FOREIGN DATA WRAPPER postgres_fdw;\n"
	    "CREATE USER MAPPING FOR public SERVER s OPTIONS (\n"
	    "    \"user\" 'guest'\n"
	    ");\n"
	    "CREATE USER MAPPING FOR app SERVER s;\n");
	assert_int_equal(dropped.mappings, 2);
	assert_int_equal(dropped.owners, 1);
	assert_int_equal(dropped.missing.n, 2);
	assert_string_equal(dropped.missing.names[0], "Carol");
	assert_string_equal(dropped.missing.names[1], "bob");
	free(out);
	siphon_pg_dropped_clear(&dropped);
	siphon_pg_roles_clear(&r);
}

static void
expect_policy(const char *in, int want, const char *want_out, const char *want_note)
{
	struct siphon_pg_roles r = roles();
	char *out = NULL, *note = NULL;

	assert_int_equal(siphon_pg_policy_filter(in, &r, &out, &note), want);
	if (want_out != NULL)
		assert_string_equal(out, want_out);
	else
		assert_null(out);
	if (want_note != NULL)
		assert_string_equal(note, want_note);
	else
		assert_null(note);
	free(out);
	free(note);
	siphon_pg_roles_clear(&r);
}

/* Policies: roles the workstation lacks leave the TO list; none left, the policy goes. */
static void
test_owner_policies(void **state)
{
	static const char head[] = "--\n-- Name: t p; Type: POLICY; Schema: public; Owner: app\n--\n\n";

	(void)state;
	expect_policy("--\n\nCREATE POLICY p ON public.t TO app USING (true);\n", 0, NULL, NULL);
	expect_policy("CREATE POLICY p ON public.t USING (true);\n", 0, NULL, NULL);
	expect_policy("CREATE POLICY p ON public.t TO PUBLIC USING (true);\n", 0, NULL, NULL);
	expect_policy("CREATE POLICY p ON public.t TO bob USING (a > 1);\n", 2, NULL,
	              "p ON public.t: its only roles (bob) are missing here, left out");
	expect_policy("CREATE POLICY \"p TO x\" ON \"s s\".\"t, u\" AS RESTRICTIVE FOR SELECT TO bob, app, \"Carol\" "
	              "USING ((owner = CURRENT_USER)) WITH CHECK (true);\n", 1,
	              "CREATE POLICY \"p TO x\" ON \"s s\".\"t, u\" AS RESTRICTIVE FOR SELECT TO app "
	              "USING ((owner = CURRENT_USER)) WITH CHECK (true);\n",
	              "\"p TO x\" ON \"s s\".\"t, u\": roles missing here (bob, Carol) taken out of its TO list");
	{
		char in[256], want[256];

		snprintf(in, sizeof(in), "%sCREATE POLICY p ON t FOR UPDATE TO \"Mixed Case\", bob;\n\n\n", head);
		snprintf(want, sizeof(want), "%sCREATE POLICY p ON t FOR UPDATE TO \"Mixed Case\";\n\n\n", head);
		expect_policy(in, 1, want, "p ON t: roles missing here (bob) taken out of its TO list");
	}
	/* The words inside a literal or a body are not a policy. */
	expect_policy("COMMENT ON TABLE t IS '\nCREATE POLICY p ON t TO bob;\n';\n", 0, NULL, NULL);
}

/* The streaming filter in front of a real process (cat), fed byte by byte. */
static void
test_owner_sink_streams_in_pieces(void **state)
{
	static const char script[] =
	    "SET x = 1;\n"
	    "ALTER TABLE a OWNER TO bob;\n"
	    "ALTER TABLE b OWNER TO app;\n"
	    "CREATE FUNCTION f() AS $body$\n"
	    "ALTER TABLE c OWNER TO bob;\n"
	    "$body$;\n"
	    "ALTER TABLE d OWNER TO \"Bob\";\n"
	    "SELECT 'last line without newline'";
	static const char want[] =
	    "SET x = 1;\n"
	    "ALTER TABLE b OWNER TO app;\n"
	    "CREATE FUNCTION f() AS $body$\n"
	    "ALTER TABLE c OWNER TO bob;\n"
	    "$body$;\n"
	    "SELECT 'last line without newline'";
	struct siphon_pg_roles r = roles();
	struct siphon_pg_owner_sink f;
	struct siphon_ctx *ctx = NULL;
	struct siphon_proc *p = NULL;
	struct siphon_sink sink;
	char *argv[] = {"cat", NULL};
	size_t i = 0;

	(void)state;
	assert_int_equal(siphon_ctx_new(&ctx), 0);
	assert_int_equal(siphon_proc_spawn(&p, ctx, "cat", argv, 1 << 20), 0);
	memset(&f, 0, sizeof(f));
	f.ctx = ctx;
	f.proc = p;
	f.roles = &r;
	siphon_pg_owner_sink(&sink, &f);
	while (i < sizeof(script) - 1) {
		ssize_t n = sink.write(sink.arg, (const unsigned char *)script + i, 1);
		int progress = 0;

		assert_true(n >= 0);
		i += (size_t)n;
		assert_int_equal(siphon_proc_step(p, &progress), 0);
	}
	assert_int_equal(sink.finish(sink.arg), 0);
	while (!p->exited) {
		int progress = 0;

		assert_int_equal(siphon_proc_step(p, &progress), 0);
		if (!progress)
			poll(NULL, 0, 5);
	}
	assert_int_equal(p->status, 0);
	assert_string_equal(siphon_strbuf_str(&p->out), want);
	assert_int_equal(f.dropped.owners, 2);
	siphon_pg_dropped_clear(&f.dropped);
	siphon_proc_free(p);
	siphon_ctx_free(ctx);
	siphon_pg_roles_clear(&r);
}

static int
acl(const char *line, const struct siphon_pg_roles *r)
{
	return siphon_pg_acl_drop(line, strlen(line), r);
}

static void
test_owner_acl_decisions(void **state)
{
	struct siphon_pg_roles r = roles();
	struct siphon_pg_dropped dropped = {0};
	char *out;

	(void)state;
	assert_int_equal(acl("GRANT SELECT ON TABLE public.t TO app;", &r), 0);
	assert_int_equal(acl("GRANT SELECT,INSERT ON TABLE public.t TO app WITH GRANT OPTION;", &r), 0);
	assert_int_equal(acl("GRANT USAGE ON SCHEMA \"S\" TO \"Mixed Case\";", &r), 0);
	assert_int_equal(acl("REVOKE ALL ON SCHEMA public FROM PUBLIC;", &r), 0);
	assert_int_equal(acl("GRANT SELECT ON TABLE t TO PUBLIC;", &r), 0);
	assert_int_equal(acl("ALTER DEFAULT PRIVILEGES FOR ROLE app IN SCHEMA public GRANT SELECT ON TABLES  TO \"we\"\"ird\";", &r), 0);
	assert_int_equal(acl("GRANT SELECT ON TABLE public.t TO bob;", &r), 1);
	assert_int_equal(acl("GRANT SELECT ON TABLE public.t TO \"PUBLIC\";", &r), 1);
	assert_int_equal(acl("REVOKE ALL ON TABLE public.t FROM bob;", &r), 1);
	assert_int_equal(acl("GRANT SELECT(a) ON TABLE public.t TO bob WITH GRANT OPTION;", &r), 1);
	assert_int_equal(acl("ALTER DEFAULT PRIVILEGES FOR ROLE bob GRANT SELECT ON TABLES  TO PUBLIC;", &r), 1);
	assert_int_equal(acl("ALTER DEFAULT PRIVILEGES FOR ROLE app REVOKE ALL ON TABLES  FROM bob;", &r), 1);
	assert_int_equal(acl("SET SESSION AUTHORIZATION bob;", &r), 1);
	assert_int_equal(acl("SET SESSION AUTHORIZATION app;", &r), 0);
	/* A table named like a grantee does not confuse it. */
	assert_int_equal(acl("GRANT SELECT ON TABLE \"x TO bob\" TO app;", &r), 0);
	assert_int_equal(acl("CREATE TABLE t (a int);", &r), 0);
	out = siphon_pg_acl_filter_text("GRANT SELECT ON TABLE t TO bob;\n"
	                                "CREATE FUNCTION f() AS $$\nGRANT SELECT ON TABLE t TO bob;\n$$;\n"
	                                "GRANT SELECT ON TABLE t TO app;\n", &r, &dropped);
	assert_non_null(out);
	assert_int_equal(dropped.acls, 1);
	siphon_pg_dropped_clear(&dropped);
	assert_string_equal(out, "CREATE FUNCTION f() AS $$\nGRANT SELECT ON TABLE t TO bob;\n$$;\n"
	                         "GRANT SELECT ON TABLE t TO app;\n");
	free(out);
	siphon_pg_roles_clear(&r);
}

/*
 * A grantee, a policy role or a user mapping may be any role that exists
 * here; an owner (and FOR ROLE) only one the local user is a member of.
 */
static void
test_owner_grantees_may_be_any_role(void **state)
{
	struct siphon_pg_roles member = roles(), all = roles();
	char *out = NULL, *note = NULL;

	(void)state;
	assert_int_equal(siphon_pg_roles_add(&all, "reader"), 0);
	member.existing = &all;
	assert_int_equal(siphon_pg_owner_drop("ALTER TABLE t OWNER TO reader;", 30, &member), 1);
	assert_int_equal(siphon_pg_acl_drop("GRANT SELECT ON TABLE t TO reader;", 34, &member), 0);
	assert_int_equal(siphon_pg_acl_drop("ALTER DEFAULT PRIVILEGES FOR ROLE reader GRANT SELECT ON TABLES  TO app;", 72, &member), 1);
	assert_int_equal(siphon_pg_mapping_drop("CREATE USER MAPPING FOR reader SERVER s;", 40, &member), 0);
	assert_int_equal(siphon_pg_policy_filter("CREATE POLICY p ON t TO reader, bob;\n", &member, &out, &note), 1);
	assert_string_equal(out, "CREATE POLICY p ON t TO reader;\n");
	free(out);
	free(note);
	siphon_pg_roles_clear(&member);
	siphon_pg_roles_clear(&all);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_owner_drop_decisions),
		cmocka_unit_test(test_owner_filter_text_respects_quoting),
		cmocka_unit_test(test_owner_user_mappings),
		cmocka_unit_test(test_owner_policies),
		cmocka_unit_test(test_owner_grantees_may_be_any_role),
		cmocka_unit_test(test_owner_sink_streams_in_pieces),
		cmocka_unit_test(test_owner_acl_decisions),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
