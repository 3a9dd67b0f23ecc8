/*
 * fuzz_my_catalog.c - the MySQL control session's answers: the listing rows
 * (siphon_my_catalog_parse_list), the SHOW CREATE rows after their markers
 * (siphon_my_catalog_parse_defs), and everything built from the catalog
 * they fill: the definitions query, each table's SELECT, prefix flags and
 * LOAD DATA statement, the case-collision list, the version number.
 *
 * Input: the listing; a line "--defs--" starts the definitions answer.
 * Properties: the prefix flags cover exactly the stored (non-generated)
 * columns, the first one always prefixed.
 */
#include "fuzz.h"

#include "engine/mysql/my_catalog.h"

static void
use_table(const struct siphon_my_table *t)
{
	struct siphon_strbuf sb = {0};
	unsigned char *flags = NULL;
	int n, i, stored = 0;

	for (i = 0; i < t->ncols; i++)
		stored += !t->cols[i].generated;
	n = siphon_my_prefixed_fields(t, &flags);
	if (n >= 0) {
		FUZZ_CHECK(n == stored);
		FUZZ_CHECK(n == 0 || flags[0] == 1);
	}
	free(flags);
	siphon_my_select_sql(t, &sb);
	siphon_strbuf_reset(&sb);
	siphon_my_load_sql(t, "siphon_tmp_x", &sb);
	siphon_strbuf_free(&sb);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct siphon_my_catalog c;
	struct siphon_strbuf sb = {0};
	char *text, *defs;
	int i;

	if ((text = fuzz_str(data, size)) == NULL)
		return 0;
	memset(&c, 0, sizeof(c));
	defs = strstr(text, "--defs--\n");
	if (defs != NULL) {
		*defs = '\0';
		defs += strlen("--defs--\n");
	}
	if (siphon_my_catalog_parse_list(&c, text) != 0)
		goto out;
	FUZZ_CHECK(memchr(c.version, '\0', sizeof(c.version)) != NULL);
	siphon_my_version_num(c.version);
	siphon_my_catalog_defs_sql(&c, "db", &sb);
	siphon_strbuf_reset(&sb);
	if (defs != NULL)
		siphon_my_catalog_parse_defs(&c, defs);
	for (i = 0; i < c.ntables; i++) {
		FUZZ_CHECK(c.tables[i].name != NULL);
		FUZZ_CHECK(siphon_my_catalog_table(&c, c.tables[i].name) != NULL);
		use_table(&c.tables[i]);
	}
	for (i = 0; i < c.nobjs; i++)
		FUZZ_CHECK(c.objs[i].name != NULL);
	siphon_my_case_collisions(&c, &sb);
	{
		/* The refusal line of unknown types: always terminated, within its buffer. */
		char why[64];

		siphon_my_catalog_unknown_types(&c, why, sizeof(why));
		FUZZ_CHECK(memchr(why, '\0', sizeof(why)) != NULL);
	}
out:
	siphon_strbuf_free(&sb);
	siphon_my_catalog_clear(&c);
	free(text);
	return 0;
}
