/*
 * fuzz_pg_script.c - the PostgreSQL post-data splitter
 * (siphon_pg_script_split) and its lexer (siphon_pg_lex_line).
 *
 * Property: the pieces concatenate to the input.  Precisely: the preamble
 * followed by every block's SQL is the input's lines, in order, each ending
 * in a newline, less only lines the splitter may drop: the TOC headers
 * ("-- Name: ...; Type: T; Schema: ...") that start the blocks, one per
 * block, and pg_dump's \restrict / \unrestrict lines.  The lexer is also
 * fed each line in a buffer of exactly its length (no NUL after it), as
 * its (line, len) signature promises to need.
 */
#include "fuzz.h"

#include "engine/postgres/pg_script.h"

static int
starts(const char *s, size_t len, const char *prefix)
{
	size_t n = strlen(prefix);

	return len >= n && memcmp(s, prefix, n) == 0;
}

/* Could the splitter drop this line?  1 header, 2 \restrict, 0 no. */
static int
droppable(const char *s, size_t len)
{
	if (starts(s, len, "\\restrict ") || starts(s, len, "\\unrestrict "))
		return 2;
	if (starts(s, len, "-- Name: ") && memmem(s, len, "; Type: ", 8) != NULL &&
	    memmem(s, len, "; Schema: ", 10) != NULL)
		return 1;
	return 0;
}

static void
check_pieces(const char *text, const struct siphon_pg_script *s)
{
	size_t total = strlen(s->preamble), off;
	const char *in = text, *o;
	char *cat;
	int i, headers = 0;

	for (i = 0; i < s->nblocks; i++) {
		FUZZ_CHECK(s->blocks[i].type != NULL && s->blocks[i].sql != NULL);
		total += strlen(s->blocks[i].sql);
	}
	cat = malloc(total + 1);
	if (cat == NULL)
		return;
	off = 0;
	memcpy(cat, s->preamble, strlen(s->preamble));
	off += strlen(s->preamble);
	for (i = 0; i < s->nblocks; i++) {
		memcpy(cat + off, s->blocks[i].sql, strlen(s->blocks[i].sql));
		off += strlen(s->blocks[i].sql);
	}
	cat[off] = '\0';
	FUZZ_CHECK(off == 0 || cat[off - 1] == '\n');

	/* Walk both: every output line is the next kept input line. */
	o = cat;
	while (*in != '\0') {
		size_t len = strcspn(in, "\n");
		size_t olen = strcspn(o, "\n");

		if (*o != '\0' && olen == len && memcmp(in, o, len) == 0) {
			o += olen + 1;
		} else {
			int d = droppable(in, len);

			FUZZ_CHECK(d != 0);
			headers += d == 1;
		}
		in += len;
		if (*in == '\n')
			in++;
	}
	FUZZ_CHECK(*o == '\0');
	/* Each block began at a dropped header; more headers than blocks can
	 * only be identical lines kept elsewhere, which the walk matched. */
	FUZZ_CHECK(headers >= s->nblocks);
	free(cat);
}

static void
lex_exact(const uint8_t *data, size_t size)
{
	struct siphon_pg_lexer lx;
	size_t i = 0;

	memset(&lx, 0, sizeof(lx));
	while (i < size) {
		const uint8_t *nl = memchr(data + i, '\n', size - i);
		size_t len = nl != NULL ? (size_t)(nl - (data + i)) : size - i;
		char *line = malloc(len ? len : 1);

		if (line == NULL)
			return;
		memcpy(line, data + i, len);
		siphon_pg_lex_line(&lx, line, len);
		FUZZ_CHECK(lx.taglen < sizeof(lx.tag));
		free(line);
		i += len + (nl != NULL);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct siphon_pg_script s;
	char err[256], *text;
	int r, i;

	if ((text = fuzz_str(data, size)) == NULL)
		return 0;
	err[0] = '\0';
	r = siphon_pg_script_split(&s, text, err, sizeof(err));
	FUZZ_CHECK(r == 0 || r == -1 || r == -2 || r == -3);
	if (r == 0) {
		check_pieces(text, &s);
		for (i = 0; i < s.nblocks; i++) {
			int ph = siphon_pg_block_phase(s.blocks[i].type);

			FUZZ_CHECK(ph >= 0 && ph <= 3);
		}
		siphon_pg_script_clear(&s);
	} else {
		FUZZ_CHECK(err[0] != '\0');
		FUZZ_CHECK(s.preamble == NULL && s.blocks == NULL && s.nblocks == 0);
	}
	lex_exact(data, size);
	free(text);
	return 0;
}
