/*
 * fuzz_my_keep_extra.c - siphon_my_extras_parse(): the local server's rows
 * about a database's foreign keys and AUTO_INCREMENT counters (names in
 * hex), made into ALTER TABLE statements on its copy.
 *
 * Input: the rows, as the local client prints them.
 * Properties: a refusal is -2 (or -1); an accepted answer gives exactly one
 * statement per counter row and per foreign key (consecutive F rows of one
 * table and constraint), each on the copy: "ALTER TABLE `T0`.`" can only
 * start a statement, because a quoted name doubles every backtick.
 */
#include "fuzz.h"

#include "engine/mysql/my_keep_extra.h"
#include "util/hex.h"

/* Rows of an accepted answer: counters plus foreign keys. */
static size_t
expected(char *text)
{
	char *p = text, *line, *last = NULL;
	size_t n = 0;

	while ((line = strsep(&p, "\n")) != NULL) {
		char *rest = line, *f[3] = {0}, *key = NULL;
		size_t klen;
		int i;

		if (line[0] == 'A') {
			n++;
			continue;
		}
		if (line[0] != 'F')
			continue;
		for (i = 0; i < 3; i++)
			f[i] = strsep(&rest, "\t");
		/* The key as the parser compares it: both names decoded, a byte that no name holds between. */
		{
			char *t = NULL, *k = NULL;

			FUZZ_CHECK(f[1] != NULL && f[2] != NULL);
			FUZZ_CHECK(siphon_hex_decode(f[1], strlen(f[1]), &t) == 0);
			FUZZ_CHECK(siphon_hex_decode(f[2], strlen(f[2]), &k) == 0);
			klen = strlen(t) + strlen(k) + 2;
			key = malloc(klen);
			FUZZ_CHECK(key != NULL);
			snprintf(key, klen, "%s\x01%s", t, k);
			free(t);
			free(k);
		}
		if (last == NULL || strcmp(last, key) != 0) {
			n++;
			free(last);
			last = key;
		} else {
			free(key);
		}
	}
	free(last);
	return n;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct siphon_strbuf sql = {0};
	char *text;
	const char *s;
	size_t stmts = 0;
	int r;

	if ((text = fuzz_str(data, size)) == NULL)
		return 0;
	r = siphon_my_extras_parse(text, "src", "T0", &sql);
	FUZZ_CHECK(r == 0 || r == -1 || r == -2);
	if (r == 0) {
		for (s = siphon_strbuf_str(&sql); (s = strstr(s, "ALTER TABLE `T0`.`")) != NULL; s++)
			stmts++;
		FUZZ_CHECK(stmts == expected(text));
		FUZZ_CHECK(sql.len == 0 || siphon_strbuf_str(&sql)[sql.len - 1] == '\n');
	}
	siphon_strbuf_free(&sql);
	free(text);
	return 0;
}
