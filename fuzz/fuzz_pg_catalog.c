/*
 * fuzz_pg_catalog.c - the PostgreSQL control session's catalog lines
 * (siphon_pg_catalog_parse, _parse_more) and the SQL built from what they
 * hold: the sequence and column queries, the chunk plan, and the database
 * settings (siphon_pg_dbsetting_sql parses list settings such as
 * search_path itself).
 *
 * Input: the catalog text; a line "--more--" starts a second answer, fed
 * to _parse_more as the control session's later 'Q' and 'C' lines are.
 */
#include "fuzz.h"

#include "engine/postgres/pg_catalog.h"

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
		FUZZ_CHECK(siphon_pg_chunks(&c, &c.tables[i], 1 + i % 8) >= 1);
	}
	siphon_pg_sequences_sql(&sb, &c);
	siphon_strbuf_reset(&sb);
	siphon_pg_columns_sql(&sb, &c, 4);
	siphon_strbuf_reset(&sb);
	if (more != NULL && siphon_pg_catalog_parse_more(&c, more, err, sizeof(err)) != 0)
		goto out;
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
