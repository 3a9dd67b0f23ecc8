/* my_batch.c - the text of a batch loader and its answers (my_batch.h). */
#include "engine/mysql/my_batch.h"

#include <stdlib.h>
#include <string.h>

#define STDIN_LIT "'/dev/stdin'"
#define MARKER "siphon-loaded\t"

int
siphon_my_batch_dir_ok(const char *dir)
{
	if (dir == NULL || dir[0] != '/')
		return 0;
	for (const char *p = dir; *p != '\0'; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
		      *p == '/' || *p == '.' || *p == '_' || *p == '-'))
			return 0;
	return 1;
}

int
siphon_my_batch_sql(struct siphon_strbuf *sb, const char *load_sql, const char *path, int k)
{
	const char *at = strstr(load_sql, STDIN_LIT);

	if (at == NULL || !siphon_my_batch_dir_ok(path))
		return -1;
	if (siphon_strbuf_append(sb, load_sql, (size_t)(at - load_sql)) != 0 ||
	    siphon_strbuf_printf(sb, "'%s'", path) != 0 ||
	    siphon_strbuf_puts(sb, at + strlen(STDIN_LIT)) != 0 ||
	    siphon_strbuf_printf(sb, ";\nSHOW WARNINGS LIMIT 3;\nSELECT 'siphon-loaded', %d;\n", k) != 0)
		return -1;
	return 0;
}

/* Is the line at p (len bytes) the marker of table k? */
static int
is_marker(const char *p, size_t len, int k)
{
	size_t m = strlen(MARKER);
	long v;
	char *end;

	if (len <= m || memcmp(p, MARKER, m) != 0 || p[m] < '0' || p[m] > '9')
		return 0;
	v = strtol(p + m, &end, 10);
	return end == p + len && v == k;
}

int
siphon_my_batch_read(const char *out, int n, const char **seg, size_t *len)
{
	const char *line = out, *start = out;
	int k = 0;

	while (k < n && *line != '\0') {
		size_t l = strcspn(line, "\n");

		if (strncmp(line, MARKER, strlen(MARKER)) == 0) {
			if (!is_marker(line, l, k))
				break;
			if (seg != NULL) {
				seg[k] = start;
				len[k] = (size_t)(line - start);
			}
			k++;
			start = line + l + (line[l] == '\n');
		}
		line += l;
		if (*line == '\n')
			line++;
	}
	return k;
}
