/* pg_sql.c - PostgreSQL quoting of identifiers and literals. */
#include "engine/postgres/pg_sql.h"

#include <stdlib.h>
#include <string.h>

int
siphon_pg_ident(struct siphon_strbuf *sb, const char *name)
{
	const char *p;

	if (siphon_strbuf_append(sb, "\"", 1) != 0)
		return -1;
	for (p = name; *p != '\0'; p++) {
		if (*p == '"' && siphon_strbuf_append(sb, "\"", 1) != 0)
			return -1;
		if (siphon_strbuf_append(sb, p, 1) != 0)
			return -1;
	}
	return siphon_strbuf_append(sb, "\"", 1);
}

int
siphon_pg_qualified(struct siphon_strbuf *sb, const char *schema,
                     const char *name)
{
	if (siphon_pg_ident(sb, schema) != 0 ||
	    siphon_strbuf_append(sb, ".", 1) != 0)
		return -1;
	return siphon_pg_ident(sb, name);
}

int
siphon_pg_literal(struct siphon_strbuf *sb, const char *text)
{
	int escape = strchr(text, '\\') != NULL;
	const char *p;

	if (siphon_strbuf_puts(sb, escape ? "E'" : "'") != 0)
		return -1;
	for (p = text; *p != '\0'; p++) {
		if ((*p == '\'' || (escape && *p == '\\')) &&
		    siphon_strbuf_append(sb, p, 1) != 0)
			return -1;
		if (siphon_strbuf_append(sb, p, 1) != 0)
			return -1;
	}
	return siphon_strbuf_append(sb, "'", 1);
}
