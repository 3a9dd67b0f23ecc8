/*
 * test_pg_script.c - unit tests of lib/engine/postgres/pg_script: splitting
 * pg_dump's plain post-data script into TOC entries, refusing psql
 * meta-commands, and the scheduling phase of each entry type.
 *
 * The sample scripts follow pg_dump 15's plain output byte for byte
 * (header comment, \restrict, SET preamble, "--\n-- Name: ...\n--\n\n"
 * entries, the closing comment and \unrestrict).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/postgres/pg_script.h"
#include "util/strbuf.h"

#define KEY "r5utqrHlrczQdNYSAOfXCp31oe38SUUbeKlWgbaZpEwkHEG2ym9uR33qNeH206v"

static const char preamble_sets[] =
	"SET statement_timeout = 0;\n"
	"SET lock_timeout = 0;\n"
	"SET idle_in_transaction_session_timeout = 0;\n"
	"SET client_encoding = 'UTF8';\n"
	"SET standard_conforming_strings = on;\n"
	"SELECT pg_catalog.set_config('search_path', '', false);\n"
	"SET check_function_bodies = false;\n"
	"SET xmloption = content;\n"
	"SET client_min_messages = warning;\n"
	"SET row_security = off;\n"
	"\n"
	"SET default_tablespace = '';\n"
	"\n";

/* The hostile comment text: a fake header and a shell escape in a literal. */
#define EVIL "x\n-- Name: evil; Type: INDEX; Schema: x; Owner: y\n--\n\n\\! rm -rf /\n"

static const char post_data[] =
	"--\n"
	"-- PostgreSQL database dump\n"
	"--\n"
	"\n"
	"\\restrict " KEY "\n"
	"\n"
	"-- Dumped from database version 15.18 (Debian 15.18-0+deb12u1)\n"
	"-- Dumped by pg_dump version 15.18 (Debian 15.18-0+deb12u1)\n"
	"\n"
	"SET statement_timeout = 0;\n"
	"SET lock_timeout = 0;\n"
	"SET idle_in_transaction_session_timeout = 0;\n"
	"SET client_encoding = 'UTF8';\n"
	"SET standard_conforming_strings = on;\n"
	"SELECT pg_catalog.set_config('search_path', '', false);\n"
	"SET check_function_bodies = false;\n"
	"SET xmloption = content;\n"
	"SET client_min_messages = warning;\n"
	"SET row_security = off;\n"
	"\n"
	"SET default_tablespace = '';\n"
	"\n"
	"--\n"
	"-- Name: orders orders_pkey; Type: CONSTRAINT; Schema: public; Owner: app\n"
	"--\n"
	"\n"
	"ALTER TABLE ONLY public.orders\n"
	"    ADD CONSTRAINT orders_pkey PRIMARY KEY (id);\n"
	"\n"
	"\n"
	"--\n"
	"-- Name: users users_pkey; Type: CONSTRAINT; Schema: public; Owner: app\n"
	"--\n"
	"\n"
	"ALTER TABLE ONLY public.users\n"
	"    ADD CONSTRAINT users_pkey PRIMARY KEY (id);\n"
	"\n"
	"\n"
	"--\n"
	"-- Name: p_idx; Type: INDEX; Schema: public; Owner: app\n"
	"--\n"
	"\n"
	"CREATE INDEX p_idx ON ONLY public.p USING btree (id);\n"
	"\n"
	"\n"
	"--\n"
	"-- Name: p1_id_idx; Type: INDEX; Schema: public; Owner: app\n"
	"--\n"
	"\n"
	"CREATE INDEX p1_id_idx ON public.p1 USING btree (id);\n"
	"\n"
	"\n"
	"--\n"
	"-- Name: users_email_idx; Type: INDEX; Schema: public; Owner: app\n"
	"--\n"
	"\n"
	"CREATE INDEX users_email_idx ON public.users USING btree (lower(email)) "
	"WHERE (email <> 'x''y\\z'::text);\n"
	"\n"
	"\n"
	"--\n"
	"-- Name: INDEX users_email_idx; Type: COMMENT; Schema: public; Owner: app\n"
	"--\n"
	"\n"
	"COMMENT ON INDEX public.users_email_idx IS '" EVIL "';\n"
	"\n"
	"\n"
	"--\n"
	"-- Name: p1_id_idx; Type: INDEX ATTACH; Schema: public; Owner: app\n"
	"--\n"
	"\n"
	"ALTER INDEX public.p_idx ATTACH PARTITION public.p1_id_idx;\n"
	"\n"
	"\n"
	"--\n"
	"-- Name: orders orders_trg; Type: TRIGGER; Schema: public; Owner: app\n"
	"--\n"
	"\n"
	"CREATE TRIGGER orders_trg BEFORE INSERT ON public.orders FOR EACH ROW "
	"EXECUTE FUNCTION public.trg();\n"
	"\n"
	"\n"
	"--\n"
	"-- Name: orders orders_user_fk; Type: FK CONSTRAINT; Schema: public; Owner: app\n"
	"--\n"
	"\n"
	"ALTER TABLE ONLY public.orders\n"
	"    ADD CONSTRAINT orders_user_fk FOREIGN KEY (user_id) REFERENCES public.users(id);\n"
	"\n"
	"\n"
	"--\n"
	"-- PostgreSQL database dump complete\n"
	"--\n"
	"\n"
	"\\unrestrict " KEY "\n"
	"\n";

static void
split_ok(struct siphon_pg_script *s, const char *text)
{
	char err[256] = "";

	if (siphon_pg_script_split(s, text, err, sizeof(err)) != 0)
		fail_msg("split failed: %s", err);
	assert_non_null(s->preamble);
	for (int i = 0; i < s->nblocks; i++) {
		assert_non_null(s->blocks[i].type);
		assert_non_null(s->blocks[i].sql);
	}
}

static void
expect_split_fails(const char *text, int code, const char *msg_part)
{
	struct siphon_pg_script s;
	char err[256] = "";
	int r = siphon_pg_script_split(&s, text, err, sizeof(err));

	if (r != code)
		fail_msg("split returned %d, want %d (err '%s') for:\n%s", r, code, err, text);
	if (msg_part != NULL && strstr(err, msg_part) == NULL)
		fail_msg("message '%s' lacks '%s'", err, msg_part);
	/* A failed split leaves nothing behind. */
	assert_null(s.preamble);
	assert_null(s.blocks);
	assert_int_equal(s.nblocks, 0);
}

static void
test_pg_script_split_pg_dump_15(void **state)
{
	static const char *const types[] = {
		"CONSTRAINT", "CONSTRAINT", "INDEX", "INDEX", "INDEX", "COMMENT",
		"INDEX ATTACH", "TRIGGER", "FK CONSTRAINT",
	};
	static const int phases[] = { 0, 0, 0, 0, 0, 3, 1, 3, 2 };
	struct siphon_pg_script s;

	(void)state;
	split_ok(&s, post_data);
	assert_int_equal(s.nblocks, 9);
	for (int i = 0; i < 9; i++) {
		assert_string_equal(s.blocks[i].type, types[i]);
		assert_int_equal(siphon_pg_block_phase(s.blocks[i].type), phases[i]);
		/* pg_dump's own guard lines are dropped everywhere. */
		assert_null(strstr(s.blocks[i].sql, "\\restrict"));
		assert_null(strstr(s.blocks[i].sql, "\\unrestrict"));
		assert_null(strstr(s.blocks[i].sql, "-- Name: orders"));
	}
	/* The preamble is everything before the first entry, minus \restrict. */
	assert_null(strstr(s.preamble, "\\restrict"));
	assert_non_null(strstr(s.preamble, preamble_sets));
	assert_null(strstr(s.preamble, "CONSTRAINT"));

	assert_non_null(strstr(s.blocks[0].sql, "ALTER TABLE ONLY public.orders\n"
	                                         "    ADD CONSTRAINT orders_pkey PRIMARY KEY (id);\n"));
	assert_null(strstr(s.blocks[0].sql, "users_pkey"));
	assert_non_null(strstr(s.blocks[4].sql, "WHERE (email <> 'x''y\\z'::text);\n"));
	/* The hostile comment is one entry, whole, and was not refused. */
	assert_non_null(strstr(s.blocks[5].sql,
	                       "COMMENT ON INDEX public.users_email_idx IS '" EVIL "';\n"));
	assert_null(strstr(s.blocks[5].sql, "INDEX ATTACH"));
	assert_non_null(strstr(s.blocks[6].sql, "ATTACH PARTITION public.p1_id_idx;\n"));
	assert_non_null(strstr(s.blocks[8].sql, "FOREIGN KEY (user_id) REFERENCES public.users(id);\n"));
	/* The closing comment rides along with the last entry, harmlessly. */
	assert_non_null(strstr(s.blocks[8].sql, "-- PostgreSQL database dump complete\n"));
	siphon_pg_script_clear(&s);
	assert_null(s.blocks);
	assert_null(s.preamble);
	assert_int_equal(s.nblocks, 0);
	/* Clearing twice is harmless. */
	siphon_pg_script_clear(&s);
}

/*
 * Nothing is lost: the preamble and the blocks, in order, are the script
 * without its header lines and without \restrict and \unrestrict.
 */
static void
test_pg_script_split_loses_nothing(void **state)
{
	struct siphon_pg_script s;
	size_t total = 0, want = 0;
	const char *p;

	(void)state;
	split_ok(&s, post_data);
	for (p = post_data; *p != '\0';) {
		size_t len = strcspn(p, "\n") + 1;

		/* Every header but the fake one in the comment is at the top level. */
		if ((strncmp(p, "-- Name: ", 9) != 0 || strncmp(p, "-- Name: evil;", 14) == 0) &&
		    strncmp(p, "\\restrict ", 10) != 0 &&
		    strncmp(p, "\\unrestrict ", 12) != 0)
			want += len;
		p += len;
	}
	total = strlen(s.preamble);
	for (int i = 0; i < s.nblocks; i++)
		total += strlen(s.blocks[i].sql);
	assert_int_equal(total, want);
	siphon_pg_script_clear(&s);
}

/* \restrict as the very first line, no trailing newline at the end. */
static void
test_pg_script_restrict_first_line(void **state)
{
	struct siphon_pg_script s;

	(void)state;
	split_ok(&s, "\\restrict abc\n"
	             "SET lock_timeout = 0;\n"
	             "--\n-- Name: i; Type: INDEX; Schema: public; Owner: u\n--\n\n"
	             "CREATE INDEX i ON public.t USING btree (a);\n"
	             "\\unrestrict abc");
	assert_string_equal(s.preamble, "SET lock_timeout = 0;\n--\n");
	assert_int_equal(s.nblocks, 1);
	assert_string_equal(s.blocks[0].type, "INDEX");
	assert_string_equal(s.blocks[0].sql, "--\n\nCREATE INDEX i ON public.t USING btree (a);\n");
	siphon_pg_script_clear(&s);
}

static void
test_pg_script_empty_and_no_entries(void **state)
{
	struct siphon_pg_script s;

	(void)state;
	split_ok(&s, "");
	assert_string_equal(s.preamble, "");
	assert_int_equal(s.nblocks, 0);
	siphon_pg_script_clear(&s);

	/* An empty post-data section: only the preamble. */
	split_ok(&s, "--\n-- PostgreSQL database dump\n--\n\n\\restrict k\n\nSET x = 1;\n\n\\unrestrict k\n");
	assert_int_equal(s.nblocks, 0);
	assert_string_equal(s.preamble, "--\n-- PostgreSQL database dump\n--\n\n\nSET x = 1;\n\n");
	siphon_pg_script_clear(&s);

	/* A header on the first line: an empty preamble. */
	split_ok(&s, "-- Name: i; Type: INDEX; Schema: s; Owner: o\nCREATE INDEX i ON t (a);\n");
	assert_string_equal(s.preamble, "");
	assert_int_equal(s.nblocks, 1);
	assert_string_equal(s.blocks[0].sql, "CREATE INDEX i ON t (a);\n");
	siphon_pg_script_clear(&s);

	/* Two headers in a row: the first entry is empty. */
	split_ok(&s, "-- Name: a; Type: INDEX; Schema: s; Owner: o\n"
	             "-- Name: b; Type: TRIGGER; Schema: s; Owner: o\nCREATE TRIGGER b;\n");
	assert_int_equal(s.nblocks, 2);
	assert_string_equal(s.blocks[0].sql, "");
	assert_string_equal(s.blocks[1].type, "TRIGGER");
	siphon_pg_script_clear(&s);
}

static void
test_pg_script_header_types(void **state)
{
	struct siphon_pg_script s;

	(void)state;
	split_ok(&s,
	    "-- Name: mv; Type: MATERIALIZED VIEW DATA; Schema: public; Owner: u\nREFRESH MATERIALIZED VIEW public.mv;\n"
	    "-- Name: t p; Type: POLICY; Schema: public; Owner: u\nCREATE POLICY p ON public.t;\n"
	    "-- Name: t_stat; Type: STATISTICS; Schema: public; Owner: u\nCREATE STATISTICS public.t_stat ON a, b FROM public.t;\n"
	    "-- Name: pub t; Type: PUBLICATION TABLE; Schema: public; Owner: u\nALTER PUBLICATION pub ADD TABLE ONLY public.t;\n"
	    "-- Name: r; Type: RULE; Schema: public; Owner: u\nCREATE RULE r AS ON UPDATE TO public.t DO NOTHING;\n"
	    "-- Name: x; Type: ; Schema: public; Owner: u\nSELECT 1;\n"
	    "-- Name: y; Type: TRAILING; Schema: -; Owner: u\nSELECT 2;\n"
	    /* Not headers: no "; Type: ", or not at the start of the line. */
	    "-- Name: z\nSELECT 3;\n"
	    " -- Name: w; Type: INDEX; Schema: public; Owner: u\nSELECT 4;\n"
	    "--Name: v; Type: INDEX; Schema: public; Owner: u\nSELECT 5;\n");
	assert_int_equal(s.nblocks, 7);
	assert_string_equal(s.blocks[0].type, "MATERIALIZED VIEW DATA");
	assert_string_equal(s.blocks[1].type, "POLICY");
	assert_string_equal(s.blocks[2].type, "STATISTICS");
	assert_string_equal(s.blocks[3].type, "PUBLICATION TABLE");
	assert_string_equal(s.blocks[4].type, "RULE");
	assert_string_equal(s.blocks[5].type, "");
	assert_string_equal(s.blocks[6].type, "TRAILING");
	assert_string_equal(s.blocks[6].sql, "SELECT 2;\n-- Name: z\nSELECT 3;\n"
	                    " -- Name: w; Type: INDEX; Schema: public; Owner: u\nSELECT 4;\n"
	                    "--Name: v; Type: INDEX; Schema: public; Owner: u\nSELECT 5;\n");
	for (int i = 0; i < s.nblocks; i++)
		assert_int_equal(siphon_pg_block_phase(s.blocks[i].type),
		                 strcmp(s.blocks[i].type, "MATERIALIZED VIEW DATA") == 0 ? SIPHON_PG_PHASE_MATVIEW : 3);
	siphon_pg_script_clear(&s);
}

/* Each quoting form keeps a fake header and a fake \! inside one entry. */
static void
expect_one_entry(const char *body)
{
	struct siphon_strbuf sb = {0};
	struct siphon_pg_script s;

	assert_int_equal(siphon_strbuf_printf(&sb,
	    "SET x = 1;\n"
	    "--\n-- Name: a; Type: COMMENT; Schema: public; Owner: u\n--\n\n%s\n"
	    "--\n-- Name: b; Type: INDEX; Schema: public; Owner: u\n--\n\nCREATE INDEX b ON t (c);\n",
	    body), 0);
	split_ok(&s, siphon_strbuf_str(&sb));
	if (s.nblocks != 2)
		fail_msg("%d entries instead of 2 for:\n%s", s.nblocks, body);
	assert_string_equal(s.blocks[0].type, "COMMENT");
	assert_non_null(strstr(s.blocks[0].sql, body));
	assert_string_equal(s.blocks[1].type, "INDEX");
	assert_string_equal(s.blocks[1].sql, "--\n\nCREATE INDEX b ON t (c);\n");
	siphon_pg_script_clear(&s);
	siphon_strbuf_free(&sb);
}

#define FAKE "\n-- Name: evil; Type: FK CONSTRAINT; Schema: x; Owner: y\n--\n\n\\! rm -rf /\n\\i /etc/passwd\n"

static void
test_pg_script_quoting_hides_headers(void **state)
{
	(void)state;
	/* Plain literals, with doubled quotes and (standard) backslashes. */
	expect_one_entry("COMMENT ON TABLE t IS '" FAKE "';");
	expect_one_entry("COMMENT ON TABLE t IS 'it''s" FAKE "''';");
	expect_one_entry("COMMENT ON TABLE t IS 'back\\" FAKE "\\';");
	expect_one_entry("COMMENT ON TABLE t IS ''''" "\n" "'" FAKE "';");
	/* E'' strings: \' and \\ are escapes, '' too. */
	expect_one_entry("COMMENT ON TABLE t IS E'it\\'s" FAKE "';");
	expect_one_entry("COMMENT ON TABLE t IS e'\\\\\\'" FAKE "\\'';");
	expect_one_entry("COMMENT ON TABLE t IS E'a''b" FAKE "\\\\';");
	expect_one_entry("COMMENT ON TABLE t IS E'line\\\n" FAKE "';");
	/* Quoted identifiers. */
	expect_one_entry("CREATE INDEX \"we\"\"ird" FAKE "\" ON t (c);");
	expect_one_entry("COMMENT ON TABLE \"a'b" FAKE "\" IS 'x';");
	/* Dollar quotes, with and without a tag, nested tags, and $ lookalikes. */
	expect_one_entry("CREATE FUNCTION f() RETURNS int AS $$" FAKE "$$ LANGUAGE sql;");
	expect_one_entry("CREATE FUNCTION f() RETURNS int AS $body$ SELECT '$$';" FAKE "$body$ LANGUAGE sql;");
	expect_one_entry("DO $a$ BEGIN EXECUTE $b$" FAKE "$b$; END $a$;");
	expect_one_entry("DO $_$" FAKE "$_$;");
	expect_one_entry("DO $\xc3\xa9$" FAKE "$\xc3\xa9$;");
	expect_one_entry("DO $x$ $y$ -- $x$ ;");
	/* Block comments, nested, with quotes inside that mean nothing. */
	expect_one_entry("/* it's" FAKE "*/ SELECT 1;");
	expect_one_entry("/* outer /* inner */" FAKE "*/ SELECT 1;");
	expect_one_entry("SELECT 1 /* a */ + /*" FAKE "*/ 2;");
	/* Mixed: a string holding what would end a comment, and the reverse. */
	expect_one_entry("SELECT '*/' /*" FAKE "'*/;");
	expect_one_entry("SELECT '/*'," "\"x" FAKE "\";");
}

/* Lookalikes that are not quotes leave the lexer at the top level. */
static void
test_pg_script_not_quotes(void **state)
{
	struct siphon_pg_script s;

	(void)state;
	split_ok(&s,
	    "-- Name: a; Type: INDEX; Schema: s; Owner: u\n"
	    "-- a comment with an unmatched ' quote and \" and $$ and /*\n"
	    "SELECT $1, $2 FROM t WHERE a$b$ = 1 AND x = 'ok';\n"
	    "SELECT 'a' 'b', \"i\"\"d\", E'\\\\', $$x$$, $t$y$t$;\n"
	    "SELECT 1; -- trailing ' comment\n"
	    "-- Name: b; Type: INDEX; Schema: s; Owner: u\n"
	    "SELECT 2;\n");
	assert_int_equal(s.nblocks, 2);
	assert_string_equal(s.blocks[1].sql, "SELECT 2;\n");
	siphon_pg_script_clear(&s);
}

static void
test_pg_script_refuses_meta_commands(void **state)
{
	static const char *const metas[] = {
		"\\! rm -rf /", "\\!", "\\i /etc/passwd", "\\ir x.sql", "\\o /tmp/out",
		"\\copy t from '/etc/passwd'", "\\connect other", "\\c other", "\\set ON_ERROR_STOP 0",
		"\\g /tmp/x", "\\gexec", "\\w /tmp/x", "\\setenv PGPASSWORD x", "\\lo_import /etc/shadow",
		"\\restrict", "\\restrictX k", "\\unrestrictk", "\\", "\\\\", NULL,
	};

	(void)state;
	for (int i = 0; metas[i] != NULL; i++) {
		struct siphon_strbuf sb = {0};
		char want[96];

		/* In the preamble, and inside an entry. */
		assert_int_equal(siphon_strbuf_printf(&sb, "SET a = 1;\n%s\n", metas[i]), 0);
		snprintf(want, sizeof(want), "line 2 of the dump is a psql command (%.40s", metas[i]);
		expect_split_fails(siphon_strbuf_str(&sb), -2, want);
		siphon_strbuf_reset(&sb);
		assert_int_equal(siphon_strbuf_printf(&sb, "%s%s\nSELECT 1;\n", post_data, metas[i]), 0);
		expect_split_fails(siphon_strbuf_str(&sb), -2, "is a psql command");
		siphon_strbuf_free(&sb);
	}
	/* A literal that closed before the line: the \! is at the top level. */
	expect_split_fails("-- Name: a; Type: COMMENT; Schema: s; Owner: u\n"
	                   "COMMENT ON TABLE t IS 'x\n';\n\\! id\n", -2, "line 4 of the dump");
	/* A comment that closed before the line. */
	expect_split_fails("/* a\n*/\n\\! id\n", -2, "line 3 of the dump");
	/* After a dollar quote closed on the line before. */
	expect_split_fails("DO $$\n$$;\n\\! id\n", -2, "(\\! id");
	/* The message shows at most 40 characters of the line. */
	expect_split_fails("\\! echo 0123456789012345678901234567890123456789TAIL\n", -2,
	                   "(\\! echo 01234567890123456789012345678901); refusing to run it");
}


/* Where the lexer stands after each line of text: 0 at the top level. */
static int
lex_state(const char *text, struct siphon_pg_lexer *lx)
{
	const char *p = text;

	memset(lx, 0, sizeof(*lx));
	while (*p != '\0') {
		size_t len = strcspn(p, "\n");

		siphon_pg_lex_line(lx, p, len);
		p += len;
		if (*p == '\n')
			p++;
	}
	return lx->st;
}

/*
 * Cases where a naive lexer and psql part ways: a dollar quote right after a
 * number ("1$$" is 1 then a quote, "a1$$" an identifier), an E string after
 * a number ("1E'..'" is 1 then E'..'), standard_conforming_strings = off.
 */
static void
test_pg_script_lexer_follows_psql(void **state)
{
	struct siphon_pg_lexer lx;

	(void)state;
	/* 1$$: the number ends, the dollar quote opens and hides the ';'. */
	assert_int_not_equal(lex_state("SELECT 1$$;\n", &lx), 0);
	assert_int_equal(lex_state("SELECT 1$$; $$;\n", &lx), 0);
	assert_int_equal(lex_state("SELECT 1.5e3$t$ ' $t$;\n", &lx), 0);
	/* a1$$ is one identifier: no quote. */
	assert_int_equal(lex_state("SELECT a1$$;\n", &lx), 0);
	assert_int_equal(lex_state("SELECT x$y$ FROM t;\n", &lx), 0);
	/* $1 is a parameter; $1$$ a parameter then a quote. */
	assert_int_equal(lex_state("SELECT $1;\n", &lx), 0);
	assert_int_not_equal(lex_state("SELECT $1$$;\n", &lx), 0);
	/* 1E'..' is 1 then an E string, where \' does not close it. */
	assert_int_not_equal(lex_state("SELECT 1E'\\';\n", &lx), 0);
	assert_int_equal(lex_state("SELECT 1E'\\'';\n", &lx), 0);
	/* 1e5'..' is the number 1e5 then a plain string. */
	assert_int_equal(lex_state("SELECT 1e5'\\';\n", &lx), 0);
	/* xe'..' is the identifier xe then a plain string. */
	assert_int_equal(lex_state("SELECT xe'\\';\n", &lx), 0);
	/* A dollar sign inside an E string is only a character. */
	assert_int_equal(lex_state("SELECT E'\\'$$';\nSELECT 1;\n", &lx), 0);
	/* standard_conforming_strings = off: '\'' does not close a literal. */
	assert_int_not_equal(lex_state("SET standard_conforming_strings = off;\nSELECT '\\';\n", &lx), 0);
	assert_int_equal(lex_state("SET standard_conforming_strings = off;\nSELECT '\\'';\n", &lx), 0);
	assert_int_equal(lx.unsafe, 0);
	assert_int_equal(lex_state("SET standard_conforming_strings = on;\nSELECT '\\';\n", &lx), 0);
}

static void
test_pg_script_refuses_what_psql_reads_otherwise(void **state)
{
	static const char *const bad[] = {
		/* psql variables, which psql replaces and lexes again */
		"SELECT :LAST_ERROR_MESSAGE;", "SELECT :'LAST_ERROR_MESSAGE';", "SELECT 1 :\"SQLSTATE\";",
		"SELECT :{?ERROR};", "SELECT x[1:ROW_COUNT];",
		/* lexing settings changed in ways siphon does not follow */
		"SET client_encoding = 'SJIS';", "SET client_encoding = 'sjis';", "SET client_encoding = 'BIG5';",
		"SET client_encoding = 'Shift_JIS_2004';", "SET client_encoding TO 'SJIS';",
		"SELECT pg_catalog.set_config('standard_conforming_strings', 'off', false);",
		"SET standard_conforming_strings TO off;", "SET standard_conforming_strings = 'off';",
		"select set_config('client_encoding', 'GBK', false);", "SET NAMES 'SJIS';",
		"SET SESSION client_encoding TO 'SJIS';", "RESET client_encoding;", "RESET ALL;",
		"  set local standard_conforming_strings to off;",
		NULL,
	};
	static const char *const good[] = {
		"SELECT a::int, b::\"LAST_ERROR_MESSAGE\";", "SELECT x[1:n], y[lo:hi];", "SELECT '{:ERROR}';",
		"SET client_encoding = 'LATIN1';", "SET client_encoding = 'EUC_JP';",
		"CREATE FUNCTION f() RETURNS void AS $$ SET client_encoding = 'SJIS'; $$ LANGUAGE sql;",
		"-- SET standard_conforming_strings = off;",
		"CREATE TABLE t (client_encoding text CHECK (client_encoding <> 'client_encoding'));",
		"ALTER TABLE t SET (fillfactor = 50);", "SELECT pg_catalog.set_config('search_path', '', false);",
		NULL,
	};

	(void)state;
	for (int i = 0; bad[i] != NULL; i++) {
		struct siphon_strbuf sb = {0};

		assert_int_equal(siphon_strbuf_printf(&sb, "%s%s\nSELECT 1;\n", post_data, bad[i]), 0);
		expect_split_fails(siphon_strbuf_str(&sb), -2, "refusing to run it");
		siphon_strbuf_free(&sb);
	}
	for (int i = 0; good[i] != NULL; i++) {
		struct siphon_strbuf sb = {0};
		struct siphon_pg_script sc;
		char err[256];

		assert_int_equal(siphon_strbuf_printf(&sb, "%s%s\nSELECT 1;\n", post_data, good[i]), 0);
		if (siphon_pg_script_split(&sc, siphon_strbuf_str(&sb), err, sizeof(err)) != 0)
			fail_msg("refused %s: %s", good[i], err);
		siphon_pg_script_clear(&sc);
		siphon_strbuf_free(&sb);
	}
}

static void
test_pg_script_unterminated(void **state)
{
	static const char *const bad[] = {
		"COMMENT ON TABLE t IS 'abc\n",
		"COMMENT ON TABLE t IS 'abc''\n",
		"COMMENT ON TABLE t IS E'abc\\'\n",
		"COMMENT ON TABLE t IS E'abc\\\\'' \n",
		"CREATE INDEX \"abc ON t (c);\n",
		"DO $$ BEGIN\n",
		"DO $a$ BEGIN $b$ END $b$;\n",
		"DO $a$ BEGIN $A$;\n",
		"/* never closed\n",
		"/* outer /* inner */ still open\n",
		"-- Name: a; Type: INDEX; Schema: s; Owner: u\nCREATE INDEX a ON t (c) WHERE x = 'open",
		NULL,
	};

	(void)state;
	for (int i = 0; bad[i] != NULL; i++)
		expect_split_fails(bad[i], -3, "the dump ends inside a quoted string or comment");
	/* A hostile comment cut short must not split, and must fail. */
	{
		struct siphon_strbuf sb = {0};
		const char *cut = strstr(post_data, "\\! rm -rf /");

		assert_non_null(cut);
		assert_int_equal(siphon_strbuf_append(&sb, post_data, (size_t)(cut - post_data)), 0);
		expect_split_fails(siphon_strbuf_str(&sb), -3, NULL);
		siphon_strbuf_free(&sb);
	}
}

/* A long script: hundreds of entries, each found. */
static void
test_pg_script_many_entries(void **state)
{
	struct siphon_strbuf sb = {0};
	struct siphon_pg_script s;

	(void)state;
	assert_int_equal(siphon_strbuf_puts(&sb, preamble_sets), 0);
	for (int i = 0; i < 500; i++)
		assert_int_equal(siphon_strbuf_printf(&sb,
		    "--\n-- Name: t%d t%d_pkey; Type: %s; Schema: public; Owner: u\n--\n\n"
		    "ALTER TABLE ONLY public.t%d ADD CONSTRAINT t%d_pkey PRIMARY KEY (id);\n\n\n",
		    i, i, i % 3 == 0 ? "CONSTRAINT" : i % 3 == 1 ? "INDEX" : "FK CONSTRAINT", i, i), 0);
	split_ok(&s, siphon_strbuf_str(&sb));
	assert_int_equal(s.nblocks, 500);
	for (int i = 0; i < 500; i++) {
		char want[96];

		snprintf(want, sizeof(want), "ADD CONSTRAINT t%d_pkey PRIMARY KEY", i);
		assert_non_null(strstr(s.blocks[i].sql, want));
		assert_int_equal(siphon_pg_block_phase(s.blocks[i].type), i % 3 == 2 ? 2 : 0);
	}
	siphon_pg_script_clear(&s);
	siphon_strbuf_free(&sb);
}

static void
test_pg_script_block_phase(void **state)
{
	(void)state;
	assert_int_equal(siphon_pg_block_phase("INDEX"), 0);
	assert_int_equal(siphon_pg_block_phase("CONSTRAINT"), 0);
	assert_int_equal(siphon_pg_block_phase("INDEX ATTACH"), 1);
	assert_int_equal(siphon_pg_block_phase("FK CONSTRAINT"), 2);
	assert_int_equal(siphon_pg_block_phase("TRIGGER"), 3);
	assert_int_equal(siphon_pg_block_phase("COMMENT"), 3);
	assert_int_equal(siphon_pg_block_phase("RULE"), 3);
	assert_int_equal(siphon_pg_block_phase("POLICY"), 3);
	/* After the privileges and the sequences, as pg_restore does. */
	assert_int_equal(siphon_pg_block_phase("EVENT TRIGGER"), SIPHON_PG_PHASE_LAST);
	assert_int_equal(siphon_pg_block_phase("MATERIALIZED VIEW DATA"), SIPHON_PG_PHASE_MATVIEW);
	assert_int_equal(siphon_pg_block_phase("EVENT TRIGGERS"), 3);
	assert_int_equal(siphon_pg_block_phase(""), 3);
	/* Exact names only. */
	assert_int_equal(siphon_pg_block_phase("index"), 3);
	assert_int_equal(siphon_pg_block_phase("INDEX "), 3);
	assert_int_equal(siphon_pg_block_phase("INDEXES"), 3);
	assert_int_equal(siphon_pg_block_phase("CHECK CONSTRAINT"), 3);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pg_script_split_pg_dump_15),
		cmocka_unit_test(test_pg_script_split_loses_nothing),
		cmocka_unit_test(test_pg_script_restrict_first_line),
		cmocka_unit_test(test_pg_script_empty_and_no_entries),
		cmocka_unit_test(test_pg_script_header_types),
		cmocka_unit_test(test_pg_script_quoting_hides_headers),
		cmocka_unit_test(test_pg_script_not_quotes),
		cmocka_unit_test(test_pg_script_refuses_meta_commands),
		cmocka_unit_test(test_pg_script_lexer_follows_psql),
		cmocka_unit_test(test_pg_script_refuses_what_psql_reads_otherwise),
		cmocka_unit_test(test_pg_script_unterminated),
		cmocka_unit_test(test_pg_script_many_entries),
		cmocka_unit_test(test_pg_script_block_phase),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
