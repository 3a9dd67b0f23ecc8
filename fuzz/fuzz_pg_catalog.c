/*
 * fuzz_pg_catalog.c - the PostgreSQL control session's catalog lines
 * (siphon_pg_catalog_parse, _parse_more) and the SQL built from what they
 * hold: the sequence and column queries, the chunk plan, and the database
 * settings (siphon_pg_dbsetting_sql parses list settings such as
 * search_path itself).
 *
 * The indexes and constraints ('N', 'K' lines) are then mapped onto a
 * fixed post-data script (pg_postq.c) and every early entry is run in the
 * queue: whatever the catalog says, the queue hands out only early entries
 * of tables in range, never an entry twice, and ends with none running.
 *
 * Input: the catalog text; a line "--more--" starts a second answer, fed
 * to _parse_more as the control session's later 'Q' and 'C' lines are.
 */
#include "fuzz.h"

#include "engine/postgres/pg_catalog.h"
#include "engine/postgres/pg_postq.h"
#include "engine/postgres/pg_script.h"

#define ENTRY(name, type, sql) \
	"--\n-- Name: " name "; Type: " type "; Schema: public; Owner: o\n--\n\n" sql "\n\n"

static const char script_text[] =
	ENTRY("t t_pkey", "CONSTRAINT", "ALTER TABLE ONLY public.t ADD CONSTRAINT t_pkey PRIMARY KEY (id);")
	ENTRY("t_idx", "INDEX", "CREATE INDEX t_idx ON public.t USING btree (x);")
	ENTRY("a", "INDEX", "CREATE INDEX a ON public.u USING btree (x);")
	ENTRY("u u_fk", "FK CONSTRAINT", "ALTER TABLE ONLY public.u ADD CONSTRAINT u_fk FOREIGN KEY (t) REFERENCES public.t(id);")
	ENTRY("t t_fk", "FK CONSTRAINT", "ALTER TABLE ONLY public.t ADD CONSTRAINT t_fk FOREIGN KEY (p) REFERENCES public.t(id);")
	ENTRY("a b", "CONSTRAINT", "ALTER TABLE ONLY public.a ADD CONSTRAINT b UNIQUE (x);");

/* Maps the catalog onto the fixed script and runs every early entry through the queue. */
static void
run_queue(const struct siphon_pg_catalog *c)
{
	struct siphon_pg_script s;
	struct siphon_pg_postent ents[16];
	struct siphon_pg_postq q;
	char err[256];
	int i, started = 0;

	if (siphon_pg_script_split(&s, script_text, err, sizeof(err)) != 0)
		return;
	FUZZ_CHECK(s.nblocks <= 16);
	if (siphon_pg_postmap(&s, c, ents) != 0) {
		siphon_pg_script_clear(&s);
		return;
	}
	for (i = 0; i < s.nblocks; i++)
		FUZZ_CHECK(!ents[i].early || (ents[i].table >= 0 && ents[i].table < c->ntables &&
		                              ents[i].ref < c->ntables));
	if (siphon_pg_postq_init(&q, ents, s.nblocks, c->ntables) == 0) {
		for (i = 0; i < c->ntables; i++)
			siphon_pg_postq_loaded(&q, i);
		while ((i = siphon_pg_postq_next(&q)) >= 0) {
			FUZZ_CHECK(q.ents[i].early && q.state[i] == SIPHON_PG_POST_WAIT && started++ < s.nblocks);
			siphon_pg_postq_start(&q, i);
			siphon_pg_postq_done(&q, i);
		}
		FUZZ_CHECK(siphon_pg_postq_running(&q) == 0);
		siphon_pg_postq_clear(&q);
	}
	siphon_pg_script_clear(&s);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct siphon_pg_catalog c;
	struct siphon_strbuf sb = {0};
	char err[256], *text, *more;
	int i;

	if ((text = fuzz_str(data, size)) == NULL)
		return 0;
	memset(&c, 0, sizeof(c));
	more = strstr(text, "--more--\n");
	if (more != NULL) {
		*more = '\0';
		more += strlen("--more--\n");
	}
	if (siphon_pg_catalog_parse(&c, text, err, sizeof(err)) != 0) {
		FUZZ_CHECK(memchr(err, '\0', sizeof(err)) != NULL && err[0] != '\0');
		goto out;
	}
	FUZZ_CHECK(c.snapshot[0] != '\0' && c.encoding != NULL);
	for (i = 0; i < c.ntables; i++) {
		FUZZ_CHECK(c.tables[i].qname != NULL && c.tables[i].rows >= -1);
		FUZZ_CHECK(siphon_pg_chunks(&c, &c.tables[i], 1 + i % 8, i % 2 ? 64u << 20 : 0) >= 1);
	}
	siphon_pg_sequences_sql(&sb, &c);
	siphon_strbuf_reset(&sb);
	siphon_pg_columns_sql(&sb, &c, 4);
	siphon_strbuf_reset(&sb);
	if (more != NULL && siphon_pg_catalog_parse_more(&c, more, err, sizeof(err)) != 0)
		goto out;
	for (i = 0; i < c.nindexes; i++)
		FUZZ_CHECK(c.indexes[i].schema != NULL && c.indexes[i].name != NULL && c.indexes[i].def != NULL);
	for (i = 0; i < c.ncons; i++)
		FUZZ_CHECK(c.cons[i].name != NULL && c.cons[i].def != NULL && strchr("pufx", c.cons[i].type) != NULL);
	siphon_pg_postobj_sql(&sb, &c);
	siphon_strbuf_reset(&sb);
	run_queue(&c);
	for (i = 0; i < c.nseqs; i++)
		FUZZ_CHECK(c.seqs[i].qname != NULL);
	for (i = 0; i < c.ntables; i++)
		FUZZ_CHECK((c.tables[i].columns == NULL) == (c.tables[i].ncols == 0));
	for (i = 0; i < c.ndbsettings; i++) {
		/* A refused setting leaves nothing half-written behind. */
		if (siphon_pg_dbsetting_sql(&sb, "\"db\"", c.dbsettings[i]) != 0)
			FUZZ_CHECK(sb.len == 0);
		siphon_strbuf_reset(&sb);
	}
	siphon_pg_num_major(c.server_num);
out:
	siphon_strbuf_free(&sb);
	siphon_pg_catalog_clear(&c);
	free(text);
	return 0;
}
