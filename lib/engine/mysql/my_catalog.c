/* my_catalog.c - the source database's catalog, and the SQL built from it. */
#include "engine/mysql/my_catalog.h"

#include "engine/mysql/my_sql.h"
#include "util/hex.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define MAX_FIELDS 8

struct fields {
	const char *f[MAX_FIELDS];
	size_t len[MAX_FIELDS];
	int n;
};

/* Splits one line (without its newline) at tabs. */
static void
split(const char *line, size_t len, struct fields *fs)
{
	const char *p = line, *end = line + len;

	fs->n = 0;
	while (fs->n < MAX_FIELDS) {
		const char *tab = memchr(p, '\t', (size_t)(end - p));
		const char *e = tab != NULL ? tab : end;

		fs->f[fs->n] = p;
		fs->len[fs->n] = (size_t)(e - p);
		fs->n++;
		if (tab == NULL)
			break;
		p = tab + 1;
	}
}

static int
field_is(const struct fields *fs, int i, const char *s)
{
	return i < fs->n && fs->len[i] == strlen(s) && memcmp(fs->f[i], s, fs->len[i]) == 0;
}

/* A hex field decoded into a new string; NULL on bad hex or no memory. */
static char *
hex_field(const struct fields *fs, int i)
{
	char *out = NULL;

	if (i >= fs->n || siphon_hex_decode(fs->f[i], fs->len[i], &out) != 0)
		return NULL;
	return out;
}

/* An escaped field decoded into a new string. */
static char *
text_field(const struct fields *fs, int i)
{
	struct siphon_strbuf sb = {0};

	if (i >= fs->n)
		return NULL;
	if (siphon_my_unescape(&sb, fs->f[i], fs->len[i]) != 0 ||
	    siphon_strbuf_append(&sb, "", 0) != 0) {
		siphon_strbuf_free(&sb);
		return NULL;
	}
	if (sb.len == 0 && sb.buf == NULL) {
		char *e = malloc(1);

		if (e != NULL)
			e[0] = '\0';
		return e;
	}
	return siphon_strbuf_take(&sb);
}

static void
copy_field(char *dst, size_t cap, const struct fields *fs, int i)
{
	size_t n = i < fs->n ? fs->len[i] : 0;

	if (n >= cap)
		n = cap - 1;
	if (n > 0)
		memcpy(dst, fs->f[i], n);
	dst[n] = '\0';
}

/*
 * Field i as a number of at most max; a field that is not one (or out of
 * range) is remembered in c->bad and reads as 0.
 */
static uint64_t
num_field(struct siphon_my_catalog *c, const struct fields *fs, int i, uint64_t max, const char *what)
{
	uint64_t v = 0;

	if (i >= fs->n || siphon_my_uint(fs->f[i], fs->len[i], max, &v) != 0) {
		if (c->bad[0] == '\0')
			snprintf(c->bad, sizeof(c->bad), "%s \"%.*s\"", what,
			         i < fs->n ? (int)(fs->len[i] > 40 ? 40 : fs->len[i]) : 0, i < fs->n ? fs->f[i] : "");
		return 0;
	}
	return v;
}

int
siphon_my_version_num(const char *v)
{
	long a, b, c;
	char *e;

	a = strtol(v, &e, 10);
	if (e == v || *e != '.' || a < 0 || a > 999)
		return -1;
	b = strtol(e + 1, &e, 10);
	if (*e != '.')
		return -1;
	c = strtol(e + 1, &e, 10);
	if (a < 0 || b < 0 || b > 99 || c < 0 || c > 99)
		return -1;
	return (int)(a * 10000 + b * 100 + c);
}

void
siphon_my_catalog_clear(struct siphon_my_catalog *c)
{
	int i, k;

	for (i = 0; i < c->ntables; i++) {
		for (k = 0; k < c->tables[i].ncols; k++)
			free(c->tables[i].cols[k].name);
		free(c->tables[i].cols);
		free(c->tables[i].name);
		free(c->tables[i].create);
		free(c->tables[i].row_start);
		free(c->tables[i].row_end);
	}
	free(c->tables);
	for (i = 0; i < c->nobjs; i++) {
		free(c->objs[i].name);
		free(c->objs[i].table);
		free(c->objs[i].create);
		free(c->objs[i].sql_mode);
		free(c->objs[i].time_zone);
		free(c->objs[i].charset_client);
		free(c->objs[i].collation_connection);
	}
	free(c->objs);
	free(c->collations);
	free(c->db_comment);
	siphon_strbuf_free(&c->skipped_list);
	memset(c, 0, sizeof(*c));
}

struct siphon_my_table *
siphon_my_catalog_table(struct siphon_my_catalog *c, const char *name)
{
	int i;

	for (i = 0; i < c->ntables; i++)
		if (strcmp(c->tables[i].name, name) == 0)
			return &c->tables[i];
	return NULL;
}

static int
grow(void **arr, int *cap, int n, size_t size)
{
	void *p;
	int nc;

	if (n < *cap)
		return 0;
	nc = *cap > 0 ? *cap * 2 : 16;
	if ((p = realloc(*arr, (size_t)nc * size)) == NULL)
		return -1;
	memset((char *)p + (size_t)*cap * size, 0, (size_t)(nc - *cap) * size);
	*arr = p;
	*cap = nc;
	return 0;
}

static int
add_table(struct siphon_my_catalog *c, const struct fields *fs)
{
	struct siphon_my_table *t;

	/* T NAME TYPE ENGINE TRANSACTIONAL BYTES ROWS */
	if (fs->n < 7)
		return -2;
	if (!field_is(fs, 2, "BASE TABLE") && !field_is(fs, 2, "SYSTEM VERSIONED") &&
	    !field_is(fs, 2, "SEQUENCE")) {
		return 0;       /* views come as V lines; temporary tables are another session's */
	}
	if (grow((void **)&c->tables, &c->captables, c->ntables, sizeof(*t)) != 0)
		return -1;
	t = &c->tables[c->ntables];
	if ((t->name = hex_field(fs, 1)) == NULL)
		return -2;
	c->ntables++;
	t->sequence = field_is(fs, 2, "SEQUENCE");
	t->versioned = field_is(fs, 2, "SYSTEM VERSIONED");
	copy_field(t->engine, sizeof(t->engine), fs, 3);
	t->transactional = field_is(fs, 4, "YES");
	t->bytes = num_field(c, fs, 5, SIPHON_MY_MAX_BYTES, "table size");
	t->rows = num_field(c, fs, 6, SIPHON_MY_MAX_BYTES, "row count");
	if (c->total_bytes > SIPHON_MY_MAX_BYTES - t->bytes && c->bad[0] == '\0')
		snprintf(c->bad, sizeof(c->bad), "total size (over %llu bytes)",
		         (unsigned long long)SIPHON_MY_MAX_BYTES);
	else
		c->total_bytes += t->bytes;
	return 0;
}

static int
add_column(struct siphon_my_catalog *c, const struct fields *fs)
{
	struct siphon_my_table *t;
	struct siphon_my_column *col;
	char *tname;
	int r = 0;

	/* C TABLE COLUMN NULLABLE TYPE GENERATED */
	if (fs->n < 6)
		return -2;
	if ((tname = hex_field(fs, 1)) == NULL)
		return -2;
	t = siphon_my_catalog_table(c, tname);
	free(tname);
	if (t == NULL)
		return 0;    /* a view's columns */
	if ((col = realloc(t->cols, (size_t)(t->ncols + 1) * sizeof(*col))) == NULL)
		return -1;
	t->cols = col;
	col = &t->cols[t->ncols];
	memset(col, 0, sizeof(*col));
	if ((col->name = hex_field(fs, 2)) == NULL)
		return -2;
	t->ncols++;
	col->nullable = field_is(fs, 3, "YES");
	col->generated = field_is(fs, 5, "1");
	copy_field(col->type, sizeof(col->type), fs, 4);
	col->is_enum = strcasecmp(col->type, "enum") == 0 || strcasecmp(col->type, "set") == 0;
	col->unknown = siphon_my_type_kind(col->type, &col->kind) != 0;
	return r;
}

/* Y TABLE START END TYPE: a system-versioned table's period columns. */
static int
add_versioning(struct siphon_my_catalog *c, const struct fields *fs)
{
	struct siphon_my_table *t;
	char *name;

	if (fs->n < 5 || (name = hex_field(fs, 1)) == NULL)
		return -2;
	t = siphon_my_catalog_table(c, name);
	free(name);
	if (t == NULL)
		return 0;
	free(t->row_start);
	free(t->row_end);
	t->row_end = NULL;
	if ((t->row_start = hex_field(fs, 2)) == NULL || (t->row_end = hex_field(fs, 3)) == NULL)
		return -2;
	copy_field(t->period_type, sizeof(t->period_type), fs, 4);
	return 0;
}

/*
 * Every DATA_TYPE of MariaDB 10.11 and MySQL 8 (t_my_types copies each one
 * MariaDB has).  Not here, so refused: MySQL 9's and MariaDB 11.7's VECTOR
 * (no server to test them on) and whatever a plugin may add.
 */
static const struct {
	const char *name;
	enum siphon_my_colkind kind;
} known_types[] = {
	{"tinyint", SIPHON_MY_COL_PLAIN}, {"smallint", SIPHON_MY_COL_PLAIN},
	{"mediumint", SIPHON_MY_COL_PLAIN}, {"int", SIPHON_MY_COL_PLAIN},
	{"bigint", SIPHON_MY_COL_PLAIN}, {"decimal", SIPHON_MY_COL_PLAIN},
	{"double", SIPHON_MY_COL_PLAIN}, {"float", SIPHON_MY_COL_FLOAT},
	{"bit", SIPHON_MY_COL_BIT},
	{"date", SIPHON_MY_COL_PLAIN}, {"time", SIPHON_MY_COL_PLAIN},
	{"datetime", SIPHON_MY_COL_PLAIN}, {"timestamp", SIPHON_MY_COL_PLAIN},
	{"year", SIPHON_MY_COL_PLAIN},
	{"binary", SIPHON_MY_COL_PLAIN}, {"varbinary", SIPHON_MY_COL_PLAIN},
	{"tinyblob", SIPHON_MY_COL_PLAIN}, {"blob", SIPHON_MY_COL_PLAIN},
	{"mediumblob", SIPHON_MY_COL_PLAIN}, {"longblob", SIPHON_MY_COL_PLAIN},
	{"char", SIPHON_MY_COL_TEXT}, {"varchar", SIPHON_MY_COL_TEXT},
	{"tinytext", SIPHON_MY_COL_TEXT}, {"text", SIPHON_MY_COL_TEXT},
	{"mediumtext", SIPHON_MY_COL_TEXT}, {"longtext", SIPHON_MY_COL_TEXT},
	{"enum", SIPHON_MY_COL_TEXT}, {"set", SIPHON_MY_COL_TEXT},
	/* MySQL's own; MariaDB's JSON is a LONGTEXT. */
	{"json", SIPHON_MY_COL_TEXTFORM},
	{"uuid", SIPHON_MY_COL_TEXTFORM}, {"inet4", SIPHON_MY_COL_TEXTFORM},
	{"inet6", SIPHON_MY_COL_TEXTFORM},
	{"geometry", SIPHON_MY_COL_GEOMETRY}, {"point", SIPHON_MY_COL_GEOMETRY},
	{"linestring", SIPHON_MY_COL_GEOMETRY}, {"polygon", SIPHON_MY_COL_GEOMETRY},
	{"multipoint", SIPHON_MY_COL_GEOMETRY}, {"multilinestring", SIPHON_MY_COL_GEOMETRY},
	{"multipolygon", SIPHON_MY_COL_GEOMETRY},
	{"geometrycollection", SIPHON_MY_COL_GEOMETRY}, {"geomcollection", SIPHON_MY_COL_GEOMETRY},
};

int
siphon_my_type_kind(const char *data_type, enum siphon_my_colkind *kind)
{
	size_t i;

	for (i = 0; i < sizeof(known_types) / sizeof(known_types[0]); i++)
		if (strcasecmp(data_type, known_types[i].name) == 0) {
			*kind = known_types[i].kind;
			return 0;
		}
	*kind = SIPHON_MY_COL_PLAIN;
	return -1;
}

int
siphon_my_catalog_unknown_types(const struct siphon_my_catalog *c, char *why, size_t cap)
{
	int i, k, n = 0;

	if (cap > 0)
		why[0] = '\0';
	for (i = 0; i < c->ntables; i++)
		for (k = 0; k < c->tables[i].ncols; k++) {
			const struct siphon_my_column *col = &c->tables[i].cols[k];

			/* A generated column never travels: the local server computes it. */
			if (!col->unknown || col->generated)
				continue;
			if (n++ == 0)
				snprintf(why, cap, "column `%s` of table `%s` has the type %s", col->name,
				         c->tables[i].name, col->type);
		}
	if (n > 1) {
		size_t len = strlen(why);

		snprintf(why + len, cap - len, " (and %d more column%s of types siphon does not know)",
		         n - 1, n - 1 == 1 ? "" : "s");
	}
	return n;
}

static int
add_object(struct siphon_my_catalog *c, enum siphon_my_objkind kind, const struct fields *fs,
           int name_at, int table_at)
{
	struct siphon_my_object *o;

	if (grow((void **)&c->objs, &c->capobjs, c->nobjs, sizeof(*o)) != 0)
		return -1;
	o = &c->objs[c->nobjs];
	o->kind = kind;
	if ((o->name = hex_field(fs, name_at)) == NULL)
		return -2;
	c->nobjs++;
	if (table_at > 0 && (o->table = hex_field(fs, table_at)) == NULL)
		return -2;
	return 0;
}

static int
parse_line(struct siphon_my_catalog *c, const struct fields *fs)
{
	char *v;

	if (field_is(fs, 0, "S") && fs->n >= 5) {
		if ((v = hex_field(fs, 1)) == NULL)
			return -2;
		snprintf(c->version, sizeof(c->version), "%s", v);
		free(v);
		if ((v = hex_field(fs, 2)) == NULL)
			return -2;
		c->mariadb = strstr(c->version, "MariaDB") != NULL || strstr(v, "MariaDB") != NULL ||
		             strstr(v, "mariadb") != NULL;
		free(v);
		c->version_num = siphon_my_version_num(c->version);
		c->lctn = (int)num_field(c, fs, 3, 2, "lower_case_table_names");
		c->log_bin = (int)num_field(c, fs, 4, 1, "log_bin");
		return 0;
	}
	if (field_is(fs, 0, "D") && fs->n >= 4) {
		c->have_db = 1;
		copy_field(c->db_charset, sizeof(c->db_charset), fs, 2);
		copy_field(c->db_collation, sizeof(c->db_collation), fs, 3);
		return 0;
	}
	if (field_is(fs, 0, "T"))
		return add_table(c, fs);
	if (field_is(fs, 0, "C"))
		return add_column(c, fs);
	if (field_is(fs, 0, "V") && fs->n >= 2)
		return add_object(c, SIPHON_MY_VIEW, fs, 1, 0);
	if (field_is(fs, 0, "R") && fs->n >= 3)
		return add_object(c, SIPHON_MY_TRIGGER, fs, 1, 2);
	if (field_is(fs, 0, "P") && fs->n >= 3) {
		if (field_is(fs, 1, "PROCEDURE"))
			return add_object(c, SIPHON_MY_PROCEDURE, fs, 2, 0);
		if (field_is(fs, 1, "FUNCTION"))
			return add_object(c, SIPHON_MY_FUNCTION, fs, 2, 0);
		/* MariaDB's packages (sql_mode ORACLE): named, not copied. */
		c->skipped++;
		if (c->skipped_list.len < 4096) {
			char *name = hex_field(fs, 2);
			char kind[32];

			copy_field(kind, sizeof(kind), fs, 1);
			if (name == NULL)
				return -2;
			if ((c->skipped_list.len > 0 && siphon_strbuf_puts(&c->skipped_list, ", ") != 0) ||
			    siphon_strbuf_printf(&c->skipped_list, "%s `%s`", kind, name) != 0) {
				free(name);
				return -1;
			}
			free(name);
		}
		return 0;
	}
	if (field_is(fs, 0, "E") && fs->n >= 2)
		return add_object(c, SIPHON_MY_EVENT, fs, 1, 0);
	if (field_is(fs, 0, "Y"))
		return add_versioning(c, fs);
	if (field_is(fs, 0, "G") && fs->n >= 4) {
		c->select_grants = (int)num_field(c, fs, 1, 1000000, "grant count");
		c->has_role = !field_is(fs, 2, "NONE") && !field_is(fs, 2, "NULL") && fs->len[2] > 0;
		if ((v = hex_field(fs, 3)) == NULL)
			return -2;
		snprintf(c->user, sizeof(c->user), "%s", v);
		free(v);
		return 0;
	}
	if (field_is(fs, 0, "L") && fs->n >= 2) {
		void *p = realloc(c->collations, (size_t)(c->ncollations + 1) * sizeof(*c->collations));

		if (p == NULL)
			return -1;
		c->collations = p;
		copy_field(c->collations[c->ncollations++], 64, fs, 1);
	}
	return 0;
}

int
siphon_my_catalog_check(const struct siphon_my_catalog *c, char *why, size_t cap)
{
	int i;

	if (c->bad[0] != '\0') {
		snprintf(why, cap, "%s", c->bad);
		return -1;
	}
	if (c->have_db && !siphon_my_plain_name(c->db_charset)) {
		snprintf(why, cap, "character set name \"%.64s\"", c->db_charset);
		return -1;
	}
	if (c->have_db && !siphon_my_plain_name(c->db_collation)) {
		snprintf(why, cap, "collation name \"%.64s\"", c->db_collation);
		return -1;
	}
	for (i = 0; i < c->ncollations; i++)
		if (!siphon_my_plain_name(c->collations[i])) {
			snprintf(why, cap, "collation name \"%.64s\"", c->collations[i]);
			return -1;
		}
	return 0;
}

int
siphon_my_catalog_parse_list(struct siphon_my_catalog *c, const char *out)
{
	const char *line = out;
	struct fields fs;
	int r;

	c->select_grants = -1;
	while (*line != '\0') {
		size_t len = strcspn(line, "\n");

		split(line, len, &fs);
		if ((r = parse_line(c, &fs)) != 0)
			return r;
		line += len;
		if (*line == '\n')
			line++;
	}
	return 0;
}

const char *
siphon_my_kind_word(enum siphon_my_objkind k)
{
	switch (k) {
	case SIPHON_MY_VIEW: return "VIEW";
	case SIPHON_MY_TRIGGER: return "TRIGGER";
	case SIPHON_MY_PROCEDURE: return "PROCEDURE";
	case SIPHON_MY_FUNCTION: return "FUNCTION";
	default: return "EVENT";
	}
}

static int
marker_sql(struct siphon_strbuf *sb, const char *kind, const char *name)
{
	return siphon_strbuf_printf(sb, "SELECT '@', '%s', HEX(", kind) != 0 ||
	       siphon_my_literal(sb, name) != 0 ||
	       siphon_strbuf_puts(sb, ");\n") != 0 ? -1 : 0;
}

int
siphon_my_catalog_defs_sql(const struct siphon_my_catalog *c, const char *db,
                           struct siphon_strbuf *sb)
{
	int i;

	if (c->mariadb && (siphon_strbuf_puts(sb, "SELECT 'DC', HEX(SCHEMA_COMMENT) FROM information_schema.SCHEMATA"
	                                          " WHERE SCHEMA_NAME = ") != 0 ||
	                   siphon_my_literal(sb, db) != 0 || siphon_strbuf_puts(sb, ";\n") != 0))
		return -1;

	for (i = 0; i < c->ntables; i++)
		if (marker_sql(sb, "TABLE", c->tables[i].name) != 0 ||
		    siphon_strbuf_puts(sb, c->tables[i].sequence ? "SHOW CREATE SEQUENCE " :
		                                                   "SHOW CREATE TABLE ") != 0 ||
		    siphon_my_ident(sb, c->tables[i].name) != 0 ||
		    siphon_strbuf_puts(sb, ";\n") != 0)
			return -1;
	for (i = 0; i < c->nobjs; i++) {
		const char *k = siphon_my_kind_word(c->objs[i].kind);

		if (marker_sql(sb, k, c->objs[i].name) != 0 ||
		    siphon_strbuf_printf(sb, "SHOW CREATE %s ", k) != 0 ||
		    siphon_my_ident(sb, c->objs[i].name) != 0 ||
		    siphon_strbuf_puts(sb, ";\n") != 0)
			return -1;
	}
	return 0;
}

/* Stores the fields of one SHOW CREATE row into what the marker named. */
static int
store_def(struct siphon_my_catalog *c, const char *kind, const char *name,
          const struct fields *fs)
{
	struct siphon_my_object *o = NULL;
	int i, create_at, mode_at = -1, cs_at, coll_at, tz_at = -1;

	if (strcmp(kind, "TABLE") == 0) {
		struct siphon_my_table *t = siphon_my_catalog_table(c, name);

		if (t == NULL || fs->n < 2)
			return -2;
		free(t->create);
		return (t->create = text_field(fs, 1)) == NULL ? -1 : 0;
	}
	for (i = 0; i < c->nobjs; i++)
		if (strcmp(siphon_my_kind_word(c->objs[i].kind), kind) == 0 && strcmp(c->objs[i].name, name) == 0)
			o = &c->objs[i];
	if (o == NULL)
		return -2;
	switch (o->kind) {
	case SIPHON_MY_VIEW:
		create_at = 1; cs_at = 2; coll_at = 3;
		break;
	case SIPHON_MY_TRIGGER:
		mode_at = 1; create_at = 2; cs_at = 3; coll_at = 4;
		break;
	case SIPHON_MY_EVENT:
		mode_at = 1; tz_at = 2; create_at = 3; cs_at = 4; coll_at = 5;
		break;
	default:
		mode_at = 1; create_at = 2; cs_at = 3; coll_at = 4;
		break;
	}
	if (fs->n <= coll_at)
		return -2;
	/* A routine the session may not read shows a NULL body. */
	if (field_is(fs, create_at, "NULL"))
		return 0;
	if ((o->create = text_field(fs, create_at)) == NULL ||
	    (o->sql_mode = mode_at >= 0 ? text_field(fs, mode_at) : strdup("")) == NULL ||
	    (o->time_zone = tz_at >= 0 ? text_field(fs, tz_at) : strdup("")) == NULL ||
	    (o->charset_client = text_field(fs, cs_at)) == NULL ||
	    (o->collation_connection = text_field(fs, coll_at)) == NULL)
		return -1;
	return 0;
}

int
siphon_my_catalog_parse_defs(struct siphon_my_catalog *c, const char *out)
{
	const char *line = out;
	char kind[16] = "", *name = NULL;
	struct fields fs;
	int r = 0;

	while (*line != '\0') {
		size_t len = strcspn(line, "\n");

		split(line, len, &fs);
		if (name != NULL) {
			char *first = text_field(&fs, 0);

			if (first == NULL) {
				r = -1;
				goto out;
			}
			/* The SHOW row names the object; else it failed (a marker follows). */
			if (strcmp(first, name) == 0 ||
			    (c->lctn != 0 && strcasecmp(first, name) == 0)) {
				free(first);
				if ((r = store_def(c, kind, name, &fs)) != 0)
					goto out;
				free(name);
				name = NULL;
				goto next;
			}
			free(first);
			free(name);
			name = NULL;
		}
		if (field_is(&fs, 0, "DC") && fs.n == 2 && c->db_comment == NULL) {
			if ((c->db_comment = hex_field(&fs, 1)) == NULL) {
				r = -2;
				goto out;
			}
		} else if (field_is(&fs, 0, "@") && fs.n == 3) {
			copy_field(kind, sizeof(kind), &fs, 1);
			if ((name = hex_field(&fs, 2)) == NULL) {
				r = -2;
				goto out;
			}
		}
next:
		line += len;
		if (*line == '\n')
			line++;
	}
out:
	free(name);
	return r;
}

int
siphon_my_prefixed_fields(const struct siphon_my_table *t, unsigned char **flags)
{
	int i, n = 0;

	if ((*flags = calloc((size_t)t->ncols + 1, 1)) == NULL)
		return -1;
	for (i = 0; i < t->ncols; i++) {
		if (t->cols[i].generated)
			continue;
		(*flags)[n] = (unsigned char)(n == 0 || t->cols[i].nullable);
		n++;
	}
	return n;
}

/* The SELECT of t's rows, then SHOW WARNINGS when warnings, then the end marker. */
static int
select_sql(const struct siphon_my_table *t, int warnings, struct siphon_strbuf *sb)
{
	int i, n = 0;

	if (siphon_strbuf_puts(sb, "SELECT ") != 0)
		return -1;
	for (i = 0; i < t->ncols; i++) {
		const struct siphon_my_column *col = &t->cols[i];
		int prefixed;

		if (col->generated)
			continue;
		prefixed = n == 0 || col->nullable;
		if (n > 0 && siphon_strbuf_puts(sb, ", ") != 0)
			return -1;
		if (prefixed && siphon_strbuf_puts(sb, "CONCAT('v', ") != 0)
			return -1;
		/* The bytes as stored: the 'v' stays one byte whatever the character set. */
		if (prefixed && col->kind == SIPHON_MY_COL_TEXT && siphon_strbuf_puts(sb, "CAST(") != 0)
			return -1;
		if (siphon_my_ident(sb, col->name) != 0)
			return -1;
		if (prefixed && col->kind == SIPHON_MY_COL_TEXT && siphon_strbuf_puts(sb, " AS BINARY)") != 0)
			return -1;
		/* BIT as its number: LOAD DATA cannot take BIT's raw bytes. */
		if (col->kind == SIPHON_MY_COL_BIT && siphon_strbuf_puts(sb, " + 0") != 0)
			return -1;
		/* The exact value: it goes back into a FLOAT unchanged. */
		if (col->kind == SIPHON_MY_COL_FLOAT && siphon_strbuf_puts(sb, " + 0e0") != 0)
			return -1;
		if (prefixed && siphon_strbuf_puts(sb, ")") != 0)
			return -1;
		n++;
	}
	/* History rows too, with their row start and end (siphon_my_history_columns). */
	if (siphon_strbuf_puts(sb, " FROM ") != 0 || siphon_my_ident(sb, t->name) != 0 ||
	    (t->history && siphon_strbuf_puts(sb, " FOR SYSTEM_TIME ALL") != 0) ||
	    siphon_strbuf_puts(sb, ";\n") != 0 ||
	    (warnings && siphon_strbuf_puts(sb, "SHOW WARNINGS;\n") != 0) ||
	    siphon_strbuf_puts(sb, "SELECT 'end';\n") != 0)
		return -1;
	return 0;
}

int
siphon_my_select_sql(const struct siphon_my_table *t, struct siphon_strbuf *sb)
{
	return select_sql(t, 0, sb);
}

int
siphon_my_worker_sql(const struct siphon_my_table *t, struct siphon_strbuf *sb)
{
	return select_sql(t, 1, sb);
}

/* How a column loaded through the variable @siphon_<i> takes its value. */
static int
load_form(struct siphon_strbuf *set, enum siphon_my_colkind kind, int i)
{
	switch (kind) {
	case SIPHON_MY_COL_BIT:
		return siphon_strbuf_printf(set, " = CAST(@siphon_%d AS UNSIGNED)", i);
	case SIPHON_MY_COL_TEXTFORM:
		/* Text, not a binary string: these types read a binary string as their binary form. */
		return siphon_strbuf_printf(set, " = CONVERT(@siphon_%d USING utf8mb4)", i);
	default:
		return siphon_strbuf_printf(set, " = @siphon_%d", i);
	}
}

int
siphon_my_load_sql(const struct siphon_my_table *t, const char *db, struct siphon_strbuf *sb)
{
	struct siphon_strbuf set = {0};
	int i, n = 0, r = -1;

	/* MariaDB 10.11: row start and end values taken as given, history rows kept as such. */
	if ((t->history && siphon_strbuf_puts(sb, "SET SESSION system_versioning_insert_history = 1;\n") != 0) ||
	    siphon_strbuf_puts(sb, "LOAD DATA LOCAL INFILE '/dev/stdin' INTO TABLE ") != 0 ||
	    siphon_my_qualified(sb, db, t->name) != 0 ||
	    siphon_strbuf_puts(sb, " CHARACTER SET binary FIELDS TERMINATED BY '\\t' ESCAPED BY '\\\\'"
	                           " LINES TERMINATED BY '\\n' (") != 0)
		goto out;
	for (i = 0; i < t->ncols; i++) {
		const struct siphon_my_column *col = &t->cols[i];

		if (col->generated)
			continue;
		if (n > 0 && siphon_strbuf_puts(sb, ", ") != 0)
			goto out;
		if (col->kind == SIPHON_MY_COL_PLAIN || col->kind == SIPHON_MY_COL_FLOAT ||
		    col->kind == SIPHON_MY_COL_TEXT) {
			if (siphon_my_ident(sb, col->name) != 0)
				goto out;
		} else {
			if (siphon_strbuf_printf(sb, "@siphon_%d", i) != 0 ||
			    siphon_strbuf_puts(&set, set.len > 0 ? ", " : " SET ") != 0 ||
			    siphon_my_ident(&set, col->name) != 0 ||
			    load_form(&set, col->kind, i) != 0)
				goto out;
		}
		n++;
	}
	if (siphon_strbuf_puts(sb, ")") != 0 ||
	    (set.len > 0 && siphon_strbuf_puts(sb, siphon_strbuf_str(&set)) != 0))
		goto out;
	r = 0;
out:
	siphon_strbuf_free(&set);
	return r;
}

int
siphon_my_case_collisions(const struct siphon_my_catalog *c, struct siphon_strbuf *sb)
{
	int i, k, n = 0;

	for (i = 0; i < c->ntables; i++)
		for (k = i + 1; k < c->ntables; k++) {
			if (strcasecmp(c->tables[i].name, c->tables[k].name) != 0)
				continue;
			if (siphon_strbuf_printf(sb, "%s\"%s\" / \"%s\"", n > 0 ? ", " : "",
			                         c->tables[i].name, c->tables[k].name) != 0)
				return -1;
			n++;
		}
	return n;
}
