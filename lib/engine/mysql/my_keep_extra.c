/*
 * my_keep_extra.c - what CREATE TABLE ... LIKE leaves out when my_keep.c
 * copies a database's tables: the foreign keys, and the AUTO_INCREMENT
 * counters (INSERT ... SELECT moves them only as far as the rows).  Read
 * from the local server's information_schema, every name in hex, and
 * written back as ALTER TABLE statements on the copy.
 */
#include "engine/mysql/my_keep_extra.h"

#include "engine/mysql/my_pull_int.h"
#include "engine/mysql/my_sql.h"
#include "util/hex.h"

#include <stdlib.h>
#include <string.h>

#define NFIELDS 9

/* The foreign key being written: its table and name, to know when the next row starts another. */
struct fk {
	char *table, *name;
	struct siphon_strbuf cols, refcols, tail;
};

static int
is_rule(const char *s)
{
	static const char *const rules[] = {"CASCADE", "SET NULL", "SET DEFAULT", "RESTRICT", "NO ACTION", NULL};

	for (int i = 0; rules[i] != NULL; i++)
		if (strcmp(s, rules[i]) == 0)
			return 1;
	return 0;
}

/* The foreign key in f, ended, onto sql; f emptied.  0 or -1. */
static int
flush_fk(struct fk *f, struct siphon_strbuf *sql)
{
	int r = 0;

	if (f->table != NULL)
		r = siphon_strbuf_printf(sql, "%s) REFERENCES %s;\n", siphon_strbuf_str(&f->cols),
		                         siphon_strbuf_str(&f->tail));
	free(f->table);
	free(f->name);
	f->table = f->name = NULL;
	siphon_strbuf_reset(&f->cols);
	siphon_strbuf_reset(&f->tail);
	return r;
}

/*
 * One 'F' row (fields decoded): the start of a foreign key, or one more
 * of its columns.  Referenced tables in from are in to in the copy.
 */
static int
add_fk_row(struct fk *f, char **v, const char *from, const char *to, struct siphon_strbuf *sql)
{
	const char *rs = strcmp(v[4], from) == 0 ? to : v[4];

	if (f->table != NULL && (strcmp(f->table, v[1]) != 0 || strcmp(f->name, v[2]) != 0) &&
	    flush_fk(f, sql) != 0)
		return -1;
	if (f->table == NULL) {
		if ((f->table = strdup(v[1])) == NULL || (f->name = strdup(v[2])) == NULL ||
		    siphon_strbuf_puts(&f->cols, "ALTER TABLE ") != 0 || siphon_my_qualified(&f->cols, to, v[1]) != 0 ||
		    siphon_strbuf_puts(&f->cols, " ADD CONSTRAINT ") != 0 || siphon_my_ident(&f->cols, v[2]) != 0 ||
		    siphon_strbuf_puts(&f->cols, " FOREIGN KEY (") != 0)
			return -1;
		siphon_strbuf_reset(&f->refcols);
	} else if (siphon_strbuf_puts(&f->cols, ", ") != 0 || siphon_strbuf_puts(&f->refcols, ", ") != 0) {
		return -1;
	}
	if (siphon_my_ident(&f->cols, v[3]) != 0 || siphon_my_ident(&f->refcols, v[6]) != 0)
		return -1;
	/* The tail is rewritten whole on each column: the referenced columns, then the rules. */
	siphon_strbuf_reset(&f->tail);
	if (siphon_my_qualified(&f->tail, rs, v[5]) != 0 ||
	    siphon_strbuf_printf(&f->tail, " (%s", siphon_strbuf_str(&f->refcols)) != 0 ||
	    siphon_strbuf_puts(&f->tail, ")") != 0)
		return -1;
	/* RESTRICT is the default, and what the server reports for a key that named no rule. */
	if ((strcmp(v[8], "RESTRICT") != 0 && siphon_strbuf_printf(&f->tail, " ON DELETE %s", v[8]) != 0) ||
	    (strcmp(v[7], "RESTRICT") != 0 && siphon_strbuf_printf(&f->tail, " ON UPDATE %s", v[7]) != 0))
		return -1;
	return 0;
}

int
siphon_my_extras_parse(const char *out, const char *from, const char *to, struct siphon_strbuf *sql)
{
	struct fk f = {0};
	char *copy, *p, *line, *v[NFIELDS] = {0};
	int r = 0, n;

	if ((p = copy = strdup(out)) == NULL)
		return -1;
	while ((line = strsep(&p, "\n")) != NULL) {
		char *rest = line, *fld;

		if (*line == '\0')
			continue;
		for (n = 0; n < NFIELDS; n++) {
			free(v[n]);
			v[n] = NULL;
		}
		for (n = 0; n < NFIELDS && (fld = strsep(&rest, "\t")) != NULL; n++) {
			/* Names (fields 1-6 of F, 1 of A) are hex; the rest is read as it is. */
			int hex = n >= 1 && (line[0] == 'F' ? n <= 6 : n == 1);

			if (hex ? siphon_hex_decode(fld, strlen(fld), &v[n]) != 0 : (v[n] = strdup(fld)) == NULL)
				goto bad;
		}
		/* More fields than a row has: not the query's answer. */
		if (rest != NULL)
			goto bad;
		if (n == NFIELDS && strcmp(v[0], "F") == 0 && is_rule(v[7]) && is_rule(v[8])) {
			if (add_fk_row(&f, v, from, to, sql) != 0)
				goto oom;
		} else if (n == 3 && strcmp(v[0], "A") == 0 && v[2][0] != '\0' &&
		           strspn(v[2], "0123456789") == strlen(v[2])) {
			if (siphon_strbuf_puts(sql, "ALTER TABLE ") != 0 || siphon_my_qualified(sql, to, v[1]) != 0 ||
			    siphon_strbuf_printf(sql, " AUTO_INCREMENT = %s;\n", v[2]) != 0)
				goto oom;
		} else {
			goto bad;
		}
	}
	if (flush_fk(&f, sql) != 0)
		goto oom;
	goto out;
bad:
	r = -2;
	goto out;
oom:
	r = -1;
out:
	{
		struct siphon_strbuf sink = {0};

		/* An unfinished key (after an error) is freed, not written to sql. */
		(void)flush_fk(&f, &sink);
		siphon_strbuf_free(&sink);
	}
	for (n = 0; n < NFIELDS; n++)
		free(v[n]);
	siphon_strbuf_free(&f.cols);
	siphon_strbuf_free(&f.refcols);
	siphon_strbuf_free(&f.tail);
	free(copy);
	return r;
}

int
my_keep_extras_sql(struct my *my, const char *from, const char *to, struct siphon_strbuf *sql)
{
	struct siphon_strbuf q = {0}, lit = {0};
	char *out = NULL;
	int r;

	if (siphon_my_literal(&lit, from) != 0 ||
	    siphon_strbuf_printf(&q,
	        "SELECT 'F', HEX(k.TABLE_NAME), HEX(k.CONSTRAINT_NAME), HEX(k.COLUMN_NAME),"
	        " HEX(k.REFERENCED_TABLE_SCHEMA), HEX(k.REFERENCED_TABLE_NAME), HEX(k.REFERENCED_COLUMN_NAME),"
	        " r.UPDATE_RULE, r.DELETE_RULE"
	        " FROM information_schema.KEY_COLUMN_USAGE k JOIN information_schema.REFERENTIAL_CONSTRAINTS r"
	        " ON r.CONSTRAINT_SCHEMA = k.CONSTRAINT_SCHEMA AND r.CONSTRAINT_NAME = k.CONSTRAINT_NAME"
	        " AND r.TABLE_NAME = k.TABLE_NAME"
	        " WHERE k.TABLE_SCHEMA = %s AND k.REFERENCED_TABLE_NAME IS NOT NULL"
	        " ORDER BY k.TABLE_NAME, k.CONSTRAINT_NAME, k.ORDINAL_POSITION;\n"
	        "SELECT 'A', HEX(TABLE_NAME), AUTO_INCREMENT FROM information_schema.TABLES"
	        " WHERE TABLE_SCHEMA = %s AND AUTO_INCREMENT IS NOT NULL;\n",
	        siphon_strbuf_str(&lit), siphon_strbuf_str(&lit)) != 0) {
		r = siphon_err_oom(my->ctx);
		goto out;
	}
	if ((r = my_local_sql(my, siphon_strbuf_str(&q), &out, "reading the foreign keys to copy")) != 0)
		goto out;
	r = siphon_my_extras_parse(out != NULL ? out : "", from, to, sql);
	if (r == -1)
		r = siphon_err_oom(my->ctx);
	else if (r != 0)
		r = siphon_err(my->ctx, SIPHON_ELOCAL, "unexpected output reading the foreign keys of \"%s\"", from);
out:
	free(out);
	siphon_strbuf_free(&q);
	siphon_strbuf_free(&lit);
	return r;
}
