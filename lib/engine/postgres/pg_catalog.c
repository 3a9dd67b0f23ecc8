/* pg_catalog.c - the catalog query of the snapshot holder, and its parser. */
#include "engine/postgres/pg_catalog.h"

#include "engine/postgres/pg_sql.h"
#include "util/hex.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define HEX(x) "encode(convert_to(" x ", current_setting('server_encoding')), 'hex')"

int
siphon_pg_catalog_sql(struct siphon_strbuf *sb)
{
	/*
	 * User tables and partition leaves with their size, skipping system
	 * schemas and tables that belong to extensions; partitioned parents are
	 * listed (they are locked) but hold no rows of their own.
	 */
	return siphon_strbuf_puts(sb,
	    "SELECT 'X', pg_catalog.pg_export_snapshot();\n"
	    "SELECT 'I', current_setting('server_version_num'), pg_catalog.pg_is_in_recovery(), "
	    HEX("pg_catalog.pg_encoding_to_char(d.encoding)") ", " HEX("d.datcollate::text") ", "
	    HEX("d.datctype::text") ", "
	    "(SELECT r.rolsuper OR r.rolbypassrls FROM pg_catalog.pg_roles r WHERE r.rolname = current_user), "
	    "pg_catalog.pg_database_size(d.oid) "
	    "FROM pg_catalog.pg_database d WHERE d.datname = current_database();\n"
	    "SELECT 'T', " HEX("n.nspname::text") ", " HEX("c.relname::text") ", c.relkind, "
	    "pg_catalog.pg_table_size(c.oid), c.oid, "
	    "pg_catalog.pg_relation_size(c.oid) / current_setting('block_size')::int, "
	    /* The planner's estimate: -1 (or 0 before 14) when never analysed. */
	    "GREATEST(c.reltuples, -1)::bigint "
	    "FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
	    "WHERE c.relkind IN ('r', 'p') AND n.nspname NOT IN ('pg_catalog', 'information_schema') "
	    "AND n.nspname !~ '^pg_(toast|temp_|toast_temp_)' "
	    /* A standby has no data for unlogged tables: reading them fails. */
	    "AND NOT (c.relpersistence = 'u' AND pg_catalog.pg_is_in_recovery()) "
	    "AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend e WHERE e.classid = 'pg_catalog.pg_class'::pg_catalog.regclass "
	    "AND e.objid = c.oid AND e.deptype = 'e') ORDER BY 5 DESC, 2, 3;\n"
	    "SELECT 'S', " HEX("n.nspname::text") ", " HEX("c.relname::text") " "
	    "FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
	    "WHERE c.relkind = 'S' AND n.nspname NOT IN ('pg_catalog', 'information_schema') "
	    "AND NOT (c.relpersistence = 'u' AND pg_catalog.pg_is_in_recovery()) "
	    "AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend e WHERE e.classid = 'pg_catalog.pg_class'::pg_catalog.regclass "
	    "AND e.objid = c.oid AND e.deptype = 'e');\n"
	    "SELECT 'L', count(*) FROM pg_catalog.pg_largeobject_metadata;\n"
	    "SELECT 'D', " HEX("u.s") " FROM pg_catalog.pg_db_role_setting r, "
	    "LATERAL unnest(r.setconfig) AS u(s) WHERE r.setrole = 0 AND r.setdatabase = "
	    "(SELECT oid FROM pg_catalog.pg_database WHERE datname = current_database());\n"
	    "SELECT 'E', " HEX("extname::text") " FROM pg_catalog.pg_extension;\n"
	    /* Never copied, but named (subname and subdbid are readable by all). */
	    "SELECT 'U', " HEX("s.subname::text") " FROM pg_catalog.pg_subscription s "
	    "WHERE s.subdbid = (SELECT oid FROM pg_catalog.pg_database WHERE datname = current_database());\n");
}

#define CHUNK_MIN_BYTES ((uint64_t)32 * 1024 * 1024)

int
siphon_pg_chunks(const struct siphon_pg_catalog *c,
                 const struct siphon_pg_table *t, int jobs, uint64_t max_piece)
{
	uint64_t piece;
	uint64_t n;

	if (c->server_num < 140000 || jobs < 2 || t->relkind != 'r' || t->blocks < 16)
		return 1;
	/* Pieces of a fair share of the whole, but never tiny ones. */
	piece = c->total_bytes / ((uint64_t)jobs * 2);
	if (max_piece > 0 && piece > max_piece)
		piece = max_piece;
	if (piece < CHUNK_MIN_BYTES)
		piece = CHUNK_MIN_BYTES;
	n = (t->bytes + piece - 1) / piece;
	if (max_piece == 0 && n > (uint64_t)jobs * 2)
		n = (uint64_t)jobs * 2;
	if (n > t->blocks / 8)
		n = t->blocks / 8;
	return n < 1 ? 1 : (int)n;
}

int
siphon_pg_sequences_sql(struct siphon_strbuf *sb, const struct siphon_pg_catalog *c)
{
	int i;

	/* Read from each sequence itself: only it knows is_called. */
	for (i = 0; i < c->nseqs; i++)
		if (siphon_strbuf_printf(sb, "SELECT 'Q', %d, last_value, is_called FROM %s;\n",
		                         i, c->seqs[i].qname) != 0)
			return -1;
	return 0;
}

int
siphon_pg_columns_sql(struct siphon_strbuf *sb,
                      const struct siphon_pg_catalog *c, int jobs)
{
	int i;

	(void)jobs;
	/*
	 * Every table's columns, in the server's order, each name hex-encoded
	 * on its own: siphon quotes them itself (they go into local SQL), and
	 * every COPY names them, because a table's columns can stand in
	 * another order locally (an inheritance child, an attached partition).
	 */
	for (i = 0; i < c->ntables; i++) {
		if (siphon_strbuf_printf(sb, "%s%u", i > 0 ? ", " : "SELECT 'C', a.attrelid, "
		        "string_agg(" HEX("a.attname::text") ", ',' ORDER BY a.attnum)"
		        " FROM pg_catalog.pg_attribute a WHERE a.attnum > 0 AND NOT a.attisdropped"
		        " AND a.attgenerated = '' AND a.attrelid IN (", c->tables[i].oid) != 0)
			return -1;
	}
	if (c->ntables > 0 && siphon_strbuf_puts(sb, ") GROUP BY a.attrelid;\n") != 0)
		return -1;
	return 0;
}

/* Appends " rel IN (oid, ...)" of c's tables, or the system schemas' exclusion (c NULL). */
static int
tables_filter(struct siphon_strbuf *sb, const struct siphon_pg_catalog *c, const char *rel)
{
	if (c == NULL)
		return siphon_strbuf_puts(sb, " n.nspname NOT IN ('pg_catalog', 'information_schema')"
		                              " AND n.nspname !~ '^pg_(toast|temp_|toast_temp_)'");
	if (siphon_strbuf_printf(sb, " %s IN (", rel) != 0)
		return -1;
	for (int i = 0; i < c->ntables; i++)
		if (siphon_strbuf_printf(sb, "%s%u", i > 0 ? ", " : "", c->tables[i].oid) != 0)
			return -1;
	return siphon_strbuf_puts(sb, ")");
}

int
siphon_pg_postobj_sql(struct siphon_strbuf *sb, const struct siphon_pg_catalog *c)
{
	if (c != NULL && c->ntables == 0)
		return 0;
	/*
	 * Asked after the tables are locked: no index or constraint of theirs
	 * can go between this list and the post-data dump.  The definitions
	 * are printed with search_path '' (qualified), as pg_dump prints them.
	 */
	if (siphon_strbuf_puts(sb, "SELECT 'N', " HEX("n.nspname::text") ", " HEX("x.relname::text") ", "
	                           "i.indexrelid, i.indrelid, " HEX("pg_catalog.pg_get_indexdef(i.indexrelid)")
	                           " FROM pg_catalog.pg_index i JOIN pg_catalog.pg_class x ON x.oid = i.indexrelid"
	                           " JOIN pg_catalog.pg_namespace n ON n.oid = x.relnamespace WHERE") != 0 ||
	    tables_filter(sb, c, "i.indrelid") != 0 ||
	    siphon_strbuf_puts(sb, " ORDER BY 2, 3;\n"
	                           "SELECT 'K', " HEX("n.nspname::text") ", " HEX("t.relname::text") ", "
	                           HEX("k.conname::text") ", k.contype, k.conrelid, k.confrelid, k.conindid, "
	                           HEX("pg_catalog.pg_get_constraintdef(k.oid)")
	                           " FROM pg_catalog.pg_constraint k JOIN pg_catalog.pg_class t ON t.oid = k.conrelid"
	                           " JOIN pg_catalog.pg_namespace n ON n.oid = t.relnamespace"
	                           " WHERE k.contype IN ('p', 'u', 'x', 'f') AND") != 0 ||
	    tables_filter(sb, c, "k.conrelid") != 0 ||
	    siphon_strbuf_puts(sb, " ORDER BY 2, 3, 4;\n") != 0)
		return -1;
	return 0;
}

static char *unhex(const char *h);

/*
 * "6162,6364" -> t->columns "ab, cd" quoted by siphon and t->colnames
 * {"ab", "cd"}; -1 when a name is not hex or holds a NUL, or there is
 * none (t unchanged).
 */
static int
column_list(struct siphon_pg_table *t, const char *hexes)
{
	struct siphon_strbuf sb = {0};
	const char *p = hexes;
	char **names = NULL, **grown;
	int n = 0;

	while (*p != '\0') {
		size_t len = strcspn(p, ",");
		char *one = strndup(p, len), *name = one != NULL ? unhex(one) : NULL;

		free(one);
		if (name == NULL || name[0] == '\0' || (sb.len > 0 && siphon_strbuf_puts(&sb, ", ") != 0) ||
		    siphon_pg_ident(&sb, name) != 0 ||
		    (grown = realloc(names, (size_t)(n + 1) * sizeof(*names))) == NULL) {
			free(name);
			goto fail;
		}
		names = grown;
		names[n++] = name;
		p += len;
		if (*p == ',')
			p++;
	}
	/* A table without columns has no line at all. */
	if (n == 0 || (t->columns = siphon_strbuf_take(&sb)) == NULL)
		goto fail;
	t->colnames = names;
	t->ncols = n;
	return 0;
fail:
	while (n > 0)
		free(names[--n]);
	free(names);
	siphon_strbuf_free(&sb);
	return -1;
}

enum siphon_pg_versions
siphon_pg_version_verdict(int server_num, int local_num, int allow_older_local)
{
	/* Majors decide: a dump loads into its own major or a newer one. */
	if (siphon_pg_num_major(local_num) >= siphon_pg_num_major(server_num))
		return SIPHON_PG_VERSIONS_OK;
	return allow_older_local ? SIPHON_PG_VERSIONS_LENIENT : SIPHON_PG_VERSIONS_REFUSE;
}

int
siphon_pg_num_major(int num)
{
	return num / 100;
}

/* What pg_dump sets in its sessions, one assignment each. */
static const char *const session_settings[] = {
	"statement_timeout = 0", "lock_timeout = 0",
	"idle_in_transaction_session_timeout = 0", "extra_float_digits = 3",
	"DateStyle = ISO", "IntervalStyle = postgres", "TimeZone = 'UTC'",
	"row_security = off",
	/*
	 * As pg_dump's sessions: regclass, regproc, regtype... values print
	 * schema-qualified, whatever search_path the database sets.
	 */
	"search_path = ''", NULL,
};

/* Appends each setting as "<verb> setting;" ("SET" or "SET LOCAL"). */
static int
settings_sql(struct siphon_strbuf *sb, int server_num, const char *verb)
{
	for (int i = 0; session_settings[i] != NULL; i++)
		if (siphon_strbuf_printf(sb, "%s %s;\n", verb, session_settings[i]) != 0)
			return -1;
	if (server_num >= 170000 &&
	    siphon_strbuf_printf(sb, "%s transaction_timeout = 0;\n", verb) != 0)
		return -1;
	return 0;
}

int
siphon_pg_session_sql(struct siphon_strbuf *sb, int server_num)
{
	return settings_sql(sb, server_num, "SET");
}

int
siphon_pg_txn_sql(struct siphon_strbuf *sb, int server_num)
{
	return settings_sql(sb, server_num, "SET LOCAL");
}

int
siphon_pg_conninfo(struct siphon_strbuf *sb, const char *dbname)
{
	const char *p;

	if (siphon_strbuf_puts(sb, "dbname='") != 0)
		return -1;
	for (p = dbname; *p != '\0'; p++) {
		if ((*p == '\'' || *p == '\\') && siphon_strbuf_append(sb, "\\", 1) != 0)
			return -1;
		if (siphon_strbuf_append(sb, p, 1) != 0)
			return -1;
	}
	return siphon_strbuf_puts(sb, "'");
}

static int
is_list_setting(const char *name, size_t len)
{
	static const char *const lists[] = {
		"search_path", "temp_tablespaces", "session_preload_libraries",
		"local_preload_libraries", "shared_preload_libraries",
		"unix_socket_directories", NULL,
	};
	int i;

	for (i = 0; lists[i] != NULL; i++)
		if (strlen(lists[i]) == len && strncmp(lists[i], name, len) == 0)
			return 1;
	return 0;
}

/*
 * A list setting is stored as its elements, each plain or "double-quoted",
 * separated by commas (what the server's SplitGUCList reads).  Each element
 * becomes a string literal, as pg_dump writes them: nothing of the stored
 * text reaches the SQL unquoted.  -2 when the text is not such a list.
 */
static int
list_literals(struct siphon_strbuf *sb, const char *v)
{
	struct siphon_strbuf el = {0};
	int r = 0, first = 1;

	for (;;) {
		while (*v == ' ' || *v == '\t' || *v == '\n')
			v++;
		if (*v == '\0' && first)
			break;          /* an empty list */
		siphon_strbuf_reset(&el);
		if (siphon_strbuf_append(&el, "", 0) != 0)
			goto oom;
		if (*v == '"') {
			for (v++;; v++) {
				if (*v == '\0') {
					r = -2;
					goto out;
				}
				if (*v == '"') {
					if (v[1] != '"')
						break;
					v++;
				}
				if (siphon_strbuf_append(&el, v, 1) != 0)
					goto oom;
			}
			v++;
		} else {
			const char *start = v;

			while (*v != '\0' && *v != ',' && *v != ' ' && *v != '\t' && *v != '\n')
				v++;
			if (v == start) {
				r = -2;
				goto out;
			}
			if (siphon_strbuf_append(&el, start, (size_t)(v - start)) != 0)
				goto oom;
		}
		while (*v == ' ' || *v == '\t' || *v == '\n')
			v++;
		if ((!first && siphon_strbuf_puts(sb, ", ") != 0) ||
		    siphon_pg_literal(sb, siphon_strbuf_str(&el)) != 0)
			goto oom;
		first = 0;
		if (*v == '\0')
			break;
		if (*v != ',') {
			r = -2;
			goto out;
		}
		v++;
	}
	if (first && siphon_strbuf_puts(sb, "''") != 0)
		goto oom;
	goto out;
oom:
	r = -1;
out:
	siphon_strbuf_free(&el);
	return r;
}

int
siphon_pg_dbsetting_sql(struct siphon_strbuf *sb, const char *qdbname,
                        const char *setting)
{
	const char *eq = strchr(setting, '=');
	size_t nlen, before;
	char *name;
	int r;

	if (eq == NULL || eq == setting)
		return -2;
	nlen = (size_t)(eq - setting);
	/* Setting names are identifiers with dots: nothing else is allowed. */
	for (size_t i = 0; i < nlen; i++) {
		char ch = setting[i];

		if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
		      (ch >= '0' && ch <= '9') || ch == '_' || ch == '.'))
			return -2;
	}
	if ((name = strndup(setting, nlen)) == NULL)
		return -1;
	before = sb->len;
	r = siphon_strbuf_printf(sb, "ALTER DATABASE %s SET %s TO ", qdbname, name);
	if (r == 0) {
		if (is_list_setting(setting, nlen))
			r = list_literals(sb, eq + 1);
		else
			r = siphon_pg_literal(sb, eq + 1);
	}
	if (r == 0)
		r = siphon_strbuf_puts(sb, ";\n");
	if (r != 0 && sb->buf != NULL) {
		/* Leave nothing half-written behind. */
		sb->len = before;
		sb->buf[before] = '\0';
	}
	free(name);
	return r;
}

/* Splits line (modified in place) at '|' into at most max fields. */
static int
split(char *line, char **f, int max)
{
	int n = 0;

	f[n++] = line;
	for (char *p = line; *p != '\0' && n < max; p++) {
		if (*p == '|') {
			*p = '\0';
			f[n++] = p + 1;
		}
	}
	return n;
}

static int
is_integer(const char *s)
{
	if (*s == '-')
		s++;
	if (*s == '\0')
		return 0;
	for (; *s != '\0'; s++)
		if (*s < '0' || *s > '9')
			return 0;
	return 1;
}

static char *
unhex(const char *h)
{
	char *s = NULL;

	siphon_hex_decode(h, strlen(h), &s);
	return s;
}

static char *
qualify(const char *schema, const char *name)
{
	struct siphon_strbuf sb = {0};

	if (siphon_pg_qualified(&sb, schema, name) != 0) {
		siphon_strbuf_free(&sb);
		return NULL;
	}
	return siphon_strbuf_take(&sb);
}

static int
push(void **arr, int *n, size_t elem)
{
	void *na;

	/* Grows by powers of two: reallocate when n is 0 or a power of two. */
	if (*n == 0 || (*n & (*n - 1)) == 0) {
		if ((na = realloc(*arr, (size_t)(*n == 0 ? 1 : *n * 2) * elem)) == NULL)
			return -1;
		*arr = na;
	}
	memset((char *)*arr + (size_t)*n * elem, 0, elem);
	(*n)++;
	return 0;
}

/*
 * A decimal number from the server, digits only, at most max: 0, or -1 for
 * anything else (no silent wrap, no undefined overflow).
 */
static int
parse_num(const char *s, uint64_t max, uint64_t *out)
{
	uint64_t v = 0;

	if (*s == '\0')
		return -1;
	for (; *s != '\0'; s++) {
		if (*s < '0' || *s > '9' || v > (max - (uint64_t)(*s - '0')) / 10)
			return -1;
		v = v * 10 + (uint64_t)(*s - '0');
	}
	*out = v;
	return 0;
}

/* A size: as parse_num, but NULL (a table dropped since the snapshot began) is 0. */
static int
parse_size(const char *s, uint64_t max, uint64_t *out)
{
	if (*s == '\0') {
		*out = 0;
		return 0;
	}
	return parse_num(s, max, out);
}

/* Bytes (2^60: an exabyte), blocks (a relation has at most 2^32 - 1). */
#define BYTES_MAX ((uint64_t)1 << 60)
#define BLOCKS_MAX UINT64_C(0xffffffff)

static int
parse_line(struct siphon_pg_catalog *c, char *line, char *err, size_t errcap)
{
	uint64_t num, num2;

	char *f[9];
	int n = split(line, f, 9);

	if (strcmp(f[0], "X") == 0 && n == 2) {
		snprintf(c->snapshot, sizeof(c->snapshot), "%s", f[1]);
	} else if (strcmp(f[0], "I") == 0 && n == 8) {
		if (c->encoding != NULL)
			goto bad;       /* one 'I' line only */
		if (parse_num(f[1], 9999999, &num) != 0 || parse_size(f[7], BYTES_MAX, &num2) != 0)
			goto bad;
		c->server_num = (int)num;
		c->in_recovery = strcmp(f[2], "t") == 0;
		c->encoding = unhex(f[3]);
		c->collate = unhex(f[4]);
		c->ctype = unhex(f[5]);
		c->can_bypass_rls = strcmp(f[6], "t") == 0;
		c->db_bytes = num2;
		if (c->encoding == NULL || c->collate == NULL || c->ctype == NULL)
			goto bad;
	} else if (strcmp(f[0], "C") == 0 && n == 3) {
		unsigned oid;

		if (parse_num(f[1], UINT32_MAX, &num) != 0)
			goto bad;
		oid = (unsigned)num;

		for (int i = 0; i < c->ntables; i++) {
			if (c->tables[i].oid == oid && c->tables[i].columns == NULL) {
				if (column_list(&c->tables[i], f[2]) != 0)
					goto bad;
			}
		}
	} else if (strcmp(f[0], "T") == 0 && n == 8) {
		struct siphon_pg_table *t;

		if (push((void **)&c->tables, &c->ntables, sizeof(*t)) != 0)
			goto oom;
		t = &c->tables[c->ntables - 1];
		t->schema = unhex(f[1]);
		t->name = unhex(f[2]);
		t->relkind = f[3][0];
		if (parse_size(f[4], BYTES_MAX, &t->bytes) != 0 || parse_num(f[5], UINT32_MAX, &num) != 0 ||
		    parse_size(f[6], BLOCKS_MAX, &t->blocks) != 0)
			goto bad;
		t->oid = (unsigned)num;
		t->rows = -1;
		if (strcmp(f[7], "-1") != 0) {
			if (parse_size(f[7], BYTES_MAX, &num) != 0)
				goto bad;
			t->rows = (int64_t)num;
		}
		if (t->schema == NULL || t->name == NULL ||
		    (t->qname = qualify(t->schema, t->name)) == NULL)
			goto bad;
		/* At most 2^60 each, and a catalog line cannot be repeated 2^4 times past that. */
		if (c->total_bytes > BYTES_MAX)
			goto bad;
		c->total_bytes += t->bytes;
	} else if (strcmp(f[0], "Q") == 0 && n == 4) {
		int i;

		/* Both go into SQL: integers only. */
		if (parse_num(f[1], INT32_MAX, &num) != 0 || !is_integer(f[2]) || num >= (uint64_t)c->nseqs)
			goto bad;
		i = (int)num;
		free(c->seqs[i].last);
		if ((c->seqs[i].last = strdup(f[2])) == NULL)
			goto oom;
		c->seqs[i].called = strcmp(f[3], "t") == 0;
	} else if (strcmp(f[0], "S") == 0 && n == 3) {
		struct siphon_pg_seq *s;
		char *schema = unhex(f[1]), *name = unhex(f[2]);

		if (push((void **)&c->seqs, &c->nseqs, sizeof(*s)) != 0) {
			free(schema);
			free(name);
			goto oom;
		}
		s = &c->seqs[c->nseqs - 1];
		if (schema != NULL && name != NULL)
			s->qname = qualify(schema, name);
		free(schema);
		free(name);
		if (s->qname == NULL)
			goto bad;
	} else if (strcmp(f[0], "L") == 0 && n == 2) {
		if (parse_num(f[1], INT32_MAX, &num) != 0)
			goto bad;
		c->nlobs = (long)num;
	} else if (strcmp(f[0], "D") == 0 && n == 2) {
		if (push((void **)&c->dbsettings, &c->ndbsettings, sizeof(char *)) != 0)
			goto oom;
		if ((c->dbsettings[c->ndbsettings - 1] = unhex(f[1])) == NULL)
			goto bad;
	} else if (strcmp(f[0], "U") == 0 && n == 2) {
		if (push((void **)&c->subs, &c->nsubs, sizeof(char *)) != 0)
			goto oom;
		if ((c->subs[c->nsubs - 1] = unhex(f[1])) == NULL)
			goto bad;
	} else if (strcmp(f[0], "N") == 0 && n == 6) {
		struct siphon_pg_index *x;

		if (push((void **)&c->indexes, &c->nindexes, sizeof(*x)) != 0)
			goto oom;
		x = &c->indexes[c->nindexes - 1];
		if ((x->schema = unhex(f[1])) == NULL || (x->name = unhex(f[2])) == NULL ||
		    (x->def = unhex(f[5])) == NULL || parse_num(f[3], UINT32_MAX, &num) != 0 ||
		    parse_num(f[4], UINT32_MAX, &num2) != 0)
			goto bad;
		x->oid = (unsigned)num;
		x->table = (unsigned)num2;
	} else if (strcmp(f[0], "K") == 0 && n == 9) {
		struct siphon_pg_constraint *k;
		uint64_t idx;

		if (push((void **)&c->cons, &c->ncons, sizeof(*k)) != 0)
			goto oom;
		k = &c->cons[c->ncons - 1];
		if ((k->schema = unhex(f[1])) == NULL || (k->table = unhex(f[2])) == NULL ||
		    (k->name = unhex(f[3])) == NULL || (k->def = unhex(f[8])) == NULL ||
		    strlen(f[4]) != 1 || strchr("pufx", f[4][0]) == NULL ||
		    parse_num(f[5], UINT32_MAX, &num) != 0 || parse_num(f[6], UINT32_MAX, &num2) != 0 ||
		    parse_num(f[7], UINT32_MAX, &idx) != 0)
			goto bad;
		k->type = f[4][0];
		k->rel = (unsigned)num;
		k->ref = (unsigned)num2;
		k->index = (unsigned)idx;
	} else if (strcmp(f[0], "E") == 0 && n == 2) {
		if (push((void **)&c->extensions, &c->nextensions, sizeof(char *)) != 0)
			goto oom;
		if ((c->extensions[c->nextensions - 1] = unhex(f[1])) == NULL)
			goto bad;
	} else if (f[0][0] != '\0') {
		goto bad;
	}
	return 0;
oom:
	snprintf(err, errcap, "out of memory");
	return -1;
bad:
	snprintf(err, errcap, "unexpected catalog line starting '%.20s'", f[0]);
	return -1;
}

int
siphon_pg_catalog_parse(struct siphon_pg_catalog *c, const char *out,
                        char *err, size_t errcap)
{
	if (siphon_pg_catalog_parse_more(c, out, err, errcap) != 0)
		return -1;
	if (c->snapshot[0] == '\0' || c->server_num == 0 || c->encoding == NULL) {
		snprintf(err, errcap, "the catalog query returned no snapshot or version");
		return -1;
	}
	return 0;
}

int
siphon_pg_catalog_parse_more(struct siphon_pg_catalog *c, const char *out,
                             char *err, size_t errcap)
{
	const char *p = out;
	char *line;
	size_t len;

	while (*p != '\0') {
		len = strcspn(p, "\n");
		if ((line = strndup(p, len)) == NULL) {
			snprintf(err, errcap, "out of memory");
			return -1;
		}
		if (parse_line(c, line, err, errcap) != 0) {
			free(line);
			return -1;
		}
		free(line);
		p += len;
		if (*p == '\n')
			p++;
	}
	return 0;
}

void
siphon_pg_catalog_clear(struct siphon_pg_catalog *c)
{
	int i;

	for (i = 0; i < c->ntables; i++) {
		free(c->tables[i].schema);
		free(c->tables[i].name);
		free(c->tables[i].qname);
		free(c->tables[i].columns);
		for (int k = 0; k < c->tables[i].ncols; k++)
			free(c->tables[i].colnames[k]);
		free(c->tables[i].colnames);
	}
	for (i = 0; i < c->nseqs; i++) {
		free(c->seqs[i].qname);
		free(c->seqs[i].last);
	}
	for (i = 0; i < c->ndbsettings; i++)
		free(c->dbsettings[i]);
	for (i = 0; i < c->nextensions; i++)
		free(c->extensions[i]);
	for (i = 0; i < c->nsubs; i++)
		free(c->subs[i]);
	free(c->subs);
	for (i = 0; i < c->nindexes; i++) {
		free(c->indexes[i].schema);
		free(c->indexes[i].name);
		free(c->indexes[i].def);
	}
	free(c->indexes);
	for (i = 0; i < c->ncons; i++) {
		free(c->cons[i].schema);
		free(c->cons[i].table);
		free(c->cons[i].name);
		free(c->cons[i].def);
	}
	free(c->cons);
	free(c->tables);
	free(c->seqs);
	free(c->dbsettings);
	free(c->extensions);
	free(c->encoding);
	free(c->collate);
	free(c->ctype);
	memset(c, 0, sizeof(*c));
}
