/* sql.c - SQL identifier and literal quoting, hex decoding of catalog names. */
#include "util/sql.h"

#include <stdlib.h>
#include <string.h>

int
siphon_sql_ident(struct siphon_strbuf *sb, const char *name)
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
siphon_sql_qualified(struct siphon_strbuf *sb, const char *schema,
                     const char *name)
{
	if (siphon_sql_ident(sb, schema) != 0 ||
	    siphon_strbuf_append(sb, ".", 1) != 0)
		return -1;
	return siphon_sql_ident(sb, name);
}

int
siphon_sql_literal(struct siphon_strbuf *sb, const char *text)
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

static int
hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int
siphon_hex_decode(const char *hex, size_t len, char **out)
{
	char *s;
	size_t i;

	*out = NULL;
	if (len % 2 != 0)
		return -1;
	if ((s = malloc(len / 2 + 1)) == NULL)
		return -1;
	for (i = 0; i < len; i += 2) {
		int hi = hexval(hex[i]), lo = hexval(hex[i + 1]);

		if (hi < 0 || lo < 0 || (hi == 0 && lo == 0)) {
			free(s);
			return -1;
		}
		s[i / 2] = (char)(hi << 4 | lo);
	}
	s[len / 2] = '\0';
	*out = s;
	return 0;
}
