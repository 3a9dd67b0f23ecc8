/*
 * fuzz_my_keys.c - the keys a MySQL table waits for (my_keys.h), from a
 * SHOW CREATE TABLE text the server sent: siphon_my_fk_referenced, then
 * siphon_my_defer_keys with what it found.
 *
 * Properties: the CREATE left behind is the input with stretches cut out
 * (a subsequence, the rest in order), and only when keys wait; the
 * clauses start with ADD or DROP KEY (a key made again) and hold at least
 * n ADDs; a second split of what is left finds nothing more to wait (what
 * stays, stays for reasons the cut does not change); every foreign key end
 * has a table and a column.
 */
#include "fuzz.h"

#include "engine/mysql/my_keys.h"

/* Is sub what is left of s after cutting stretches out of it? */
static int
subsequence(const char *sub, const char *s)
{
	for (; *sub != '\0'; s++) {
		if (*s == '\0')
			return 0;
		if (*s == *sub)
			sub++;
	}
	return 1;
}

static size_t
count(const char *s, const char *word)
{
	size_t n = 0;

	for (const char *p = s; (p = strstr(p, word)) != NULL; p++)
		n++;
	return n;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct siphon_my_fkends refs = {0};
	struct siphon_strbuf c = {0}, a = {0}, c2 = {0}, a2 = {0};
	char *s;
	int n = -1, n2 = -1;

	if ((s = fuzz_str(data, size)) == NULL)
		return 0;
	if (siphon_my_fk_referenced(s, "d", &refs) != 0)
		goto out;
	for (int i = 0; i < refs.n; i++)
		FUZZ_CHECK(refs.v[i].table != NULL && refs.v[i].column != NULL);
	if (siphon_my_defer_keys(s, "t", &refs, &c, &a, &n) != 0)
		goto out;
	FUZZ_CHECK(n >= 0);
	if (n == 0) {
		FUZZ_CHECK(strcmp(siphon_strbuf_str(&c), s) == 0 && a.len == 0);
		goto out;
	}
	FUZZ_CHECK(c.len < strlen(s) && subsequence(siphon_strbuf_str(&c), s));
	FUZZ_CHECK(strncmp(siphon_strbuf_str(&a), "ADD ", 4) == 0 || strncmp(siphon_strbuf_str(&a), "DROP KEY ", 9) == 0);
	FUZZ_CHECK(count(siphon_strbuf_str(&a), "ADD ") >= (size_t)n);
	if (siphon_my_defer_keys(siphon_strbuf_str(&c), "t", &refs, &c2, &a2, &n2) == 0)
		FUZZ_CHECK(n2 == 0 && strcmp(siphon_strbuf_str(&c2), siphon_strbuf_str(&c)) == 0);
out:
	siphon_my_fkends_clear(&refs);
	siphon_strbuf_free(&c);
	siphon_strbuf_free(&a);
	siphon_strbuf_free(&c2);
	siphon_strbuf_free(&a2);
	free(s);
	return 0;
}
