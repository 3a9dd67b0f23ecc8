/* my_objects.c - what kind of thing a table is, and how siphon copies it. */
#include "engine/mysql/my_objects.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

/*
 * Every engine siphon knows, with where its rows live.  Anything else is
 * UNKNOWN: siphon cannot tell whether selecting its rows and loading them
 * into a local table copies them, duplicates another table's (MERGE) or
 * reads another server's (FEDERATED), so it does not guess.
 */
static const struct {
	const char *name;
	enum siphon_my_rows rows;
} engines[] = {
	{"InnoDB", SIPHON_MY_ROWS_OWN},
	{"XtraDB", SIPHON_MY_ROWS_OWN},
	{"Aria", SIPHON_MY_ROWS_OWN},
	{"MyISAM", SIPHON_MY_ROWS_OWN},
	{"MEMORY", SIPHON_MY_ROWS_OWN},
	{"HEAP", SIPHON_MY_ROWS_OWN},
	{"ARCHIVE", SIPHON_MY_ROWS_OWN},
	{"CSV", SIPHON_MY_ROWS_OWN},
	{"ROCKSDB", SIPHON_MY_ROWS_OWN},
	{"TokuDB", SIPHON_MY_ROWS_OWN},
	{"S3", SIPHON_MY_ROWS_OWN},
	{"Columnstore", SIPHON_MY_ROWS_OWN},
	{"Mroonga", SIPHON_MY_ROWS_OWN},
	{"ndbcluster", SIPHON_MY_ROWS_OWN},
	{"MRG_MyISAM", SIPHON_MY_ROWS_ELSEWHERE},
	{"MERGE", SIPHON_MY_ROWS_ELSEWHERE},
	{"OQGRAPH", SIPHON_MY_ROWS_ELSEWHERE},
	{"SEQUENCE", SIPHON_MY_ROWS_NONE},
	{"BLACKHOLE", SIPHON_MY_ROWS_NONE},
	{"FEDERATED", SIPHON_MY_ROWS_REMOTE},
	{"FEDERATEDX", SIPHON_MY_ROWS_REMOTE},
	{"CONNECT", SIPHON_MY_ROWS_REMOTE},
	{"SPIDER", SIPHON_MY_ROWS_REMOTE},
	{"SPHINX", SIPHON_MY_ROWS_REMOTE},
};

enum siphon_my_rows
siphon_my_engine_rows(const char *engine)
{
	size_t i;

	for (i = 0; i < sizeof(engines) / sizeof(engines[0]); i++)
		if (strcasecmp(engines[i].name, engine) == 0)
			return engines[i].rows;
	return SIPHON_MY_ROWS_UNKNOWN;
}

static struct siphon_my_column *
find_column(struct siphon_my_table *t, const char *name)
{
	int i;

	for (i = 0; i < t->ncols; i++)
		if (strcasecmp(t->cols[i].name, name) == 0)
			return &t->cols[i];
	return NULL;
}

/* The period column name: explicit (a generated column of t) or added by name. */
static int
period_column(struct siphon_my_table *t, const char *name)
{
	struct siphon_my_column *col = find_column(t, name);

	if (col == NULL) {
		void *p = realloc(t->cols, (size_t)(t->ncols + 1) * sizeof(*t->cols));

		if (p == NULL)
			return -1;
		t->cols = p;
		col = &t->cols[t->ncols];
		memset(col, 0, sizeof(*col));
		if ((col->name = strdup(name)) == NULL)
			return -1;
		t->ncols++;
	}
	/* Its values as the server holds them: never NULL, text in the session's UTC. */
	col->generated = 0;
	col->nullable = 0;
	col->kind = SIPHON_MY_COL_PLAIN;
	return 0;
}

int
siphon_my_history_columns(struct siphon_my_table *t)
{
	if (!t->versioned || t->row_start == NULL || t->row_end == NULL || t->history)
		return -2;
	if (period_column(t, t->row_start) != 0 || period_column(t, t->row_end) != 0)
		return -1;
	t->history = 1;
	return 0;
}

void
siphon_my_catalog_remove_table(struct siphon_my_catalog *c, int i)
{
	struct siphon_my_table *t = &c->tables[i];
	int k;

	for (k = 0; k < t->ncols; k++)
		free(t->cols[k].name);
	free(t->cols);
	free(t->name);
	free(t->create);
	free(t->row_start);
	free(t->row_end);
	if (c->total_bytes >= t->bytes)
		c->total_bytes -= t->bytes;
	memmove(t, t + 1, (size_t)(c->ntables - i - 1) * sizeof(*t));
	c->ntables--;
	memset(&c->tables[c->ntables], 0, sizeof(*t));
}
