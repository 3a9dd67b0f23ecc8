/*
 * fuzz_my_sql.c - the MySQL text functions that read what the server sends:
 * the batch unescape (siphon_my_unescape), and the rewrites of a SHOW
 * CREATE statement (siphon_my_rewrite_definer, siphon_my_event_disable,
 * siphon_my_replace_words), plus the quoting of the same text.
 *
 * Properties: a rewrite changes only its span: the output is the input with
 * one stretch replaced (by DEFINER=CURRENT_USER, or by DISABLE, or DISABLE
 * inserted before DO), everything before and after it unchanged byte for
 * byte; the DEFINER span starts at the word DEFINER; making an event
 * DISABLEd twice gives what once did.  Unescaping makes no more bytes than
 * it reads.  A table's shape (siphon_my_table_shape) is the statement with
 * at most one stretch cut out, and only from a statement that says
 * AUTO_INCREMENT.
 */
#include "fuzz.h"

#include "engine/mysql/my_sql.h"

#include <strings.h>

/*
 * Is out == in[0..a) + repl + in[b..) for some a <= b?  Returns a, or -1.
 * The longest common prefix and suffix fix a and b when repl is given.
 */
static long
one_span(const char *in, const char *out, const char *repl)
{
	size_t il = strlen(in), ol = strlen(out), rl = strlen(repl), a, b;

	if (ol < rl || ol - rl > il)
		return -1;
	/* The part after the replacement is in's last ol - rl - a bytes. */
	for (a = 0; a + rl <= ol; a++) {
		if (a > 0 && in[a - 1] != out[a - 1])
			break;
		if (a > il)
			break;
		if (memcmp(out + a, repl, rl) != 0)
			continue;
		b = il - (ol - rl - a);
		if (b < a || b > il)
			continue;
		if (memcmp(out + a + rl, in + b, il - b) == 0)
			return (long)a;
	}
	return -1;
}

static void
check_definer(const char *s)
{
	struct siphon_strbuf out = {0};
	int changed = -1;
	long a;

	if (siphon_my_rewrite_definer(&out, s, &changed) != 0)
		goto out;
	FUZZ_CHECK(changed == 0 || changed == 1);
	if (!changed) {
		FUZZ_CHECK(strcmp(siphon_strbuf_str(&out), s) == 0);
		goto out;
	}
	a = one_span(s, siphon_strbuf_str(&out), "DEFINER=CURRENT_USER");
	FUZZ_CHECK(a >= 0);
	FUZZ_CHECK(strncasecmp(s + a, "DEFINER", 7) == 0);
out:
	siphon_strbuf_free(&out);
}

static void
check_event(const char *s)
{
	struct siphon_strbuf out = {0}, again = {0};
	int r;

	r = siphon_my_event_disable(&out, s);
	FUZZ_CHECK(r == 0 || r == -1 || r == -2);
	if (r != 0)
		goto out;
	FUZZ_CHECK(one_span(s, siphon_strbuf_str(&out), "DISABLE") >= 0 ||
	           one_span(s, siphon_strbuf_str(&out), "DISABLE ") >= 0);
	if (siphon_my_event_disable(&again, siphon_strbuf_str(&out)) == 0)
		FUZZ_CHECK(strcmp(siphon_strbuf_str(&again), siphon_strbuf_str(&out)) == 0);
out:
	siphon_strbuf_free(&out);
	siphon_strbuf_free(&again);
}

static void
check_words(const char *s)
{
	static const char *const map[] = {
		"utf8mb4_0900_ai_ci", "utf8mb4_uca1400_ai_ci",
		"utf8mb4_0900_bin", "utf8mb4_bin", NULL,
	};
	struct siphon_strbuf out = {0};
	int changed = 0;

	if (siphon_my_replace_words(&out, s, map, &changed) == 0 && changed == 0)
		FUZZ_CHECK(strcmp(siphon_strbuf_str(&out), s) == 0);
	siphon_strbuf_free(&out);
}

static void
check_shape(const char *s)
{
	struct siphon_strbuf out = {0};
	int cut = -1;
	long a;

	if (siphon_my_table_shape(&out, s, &cut) != 0)
		goto out;
	FUZZ_CHECK(cut == 0 || cut == 1);
	if (!cut) {
		FUZZ_CHECK(strcmp(siphon_strbuf_str(&out), s) == 0);
		goto out;
	}
	a = one_span(s, siphon_strbuf_str(&out), "");
	FUZZ_CHECK(a >= 0);
	FUZZ_CHECK(out.len < strlen(s));
	FUZZ_CHECK(strcasestr(s, "AUTO_INCREMENT") != NULL);
out:
	siphon_strbuf_free(&out);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct siphon_strbuf sb = {0};
	char *s, *field;

	/* The field exactly as long as it is: the unescape reads no further. */
	if ((field = malloc(size ? size : 1)) == NULL)
		return 0;
	memcpy(field, data, size);
	if (siphon_my_unescape(&sb, field, size) == 0)
		FUZZ_CHECK(sb.len <= size);
	free(field);
	siphon_strbuf_reset(&sb);
	if ((s = fuzz_str(data, size)) == NULL)
		goto out;
	check_definer(s);
	check_event(s);
	check_words(s);
	check_shape(s);
	siphon_my_ident(&sb, s);
	siphon_my_literal(&sb, s);
	siphon_my_string(&sb, s);
	siphon_my_collation_map(s, 1, 1);
	siphon_my_collation_map(s, 1, 0);
	siphon_my_collation_map(s, 0, 0);
	free(s);
out:
	siphon_strbuf_free(&sb);
	return 0;
}
