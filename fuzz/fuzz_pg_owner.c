/*
 * fuzz_pg_owner.c - the PostgreSQL owner and privilege filters
 * (siphon_pg_owner_drop, siphon_pg_acl_drop and the whole-script filters
 * siphon_pg_owner_filter_text, siphon_pg_acl_filter_text).
 *
 * Input: one byte choosing which of a few local roles exist, then the
 * script.  Properties: a filter's output is its input less *dropped whole
 * lines, each of which the line test rejects on its own (and, uncounted,
 * pg_dump's \restrict lines);
 * the line tests read only the bytes they are given (each line is passed
 * in a buffer of exactly its length and a NUL).
 */
#include "fuzz.h"

#include "engine/postgres/pg_owner.h"

/* Sorted by strcmp, as siphon_pg_roles_sort leaves them. */
static const char *const role_pool[] = {
	"PUBLIC", "Read Only", "app", "postgres", "role\"q", "u1", "x",
};
#define NPOOL (sizeof(role_pool) / sizeof(role_pool[0]))

typedef int (*drop_fn)(const char *, size_t, const struct siphon_pg_roles *);
typedef char *(*filter_fn)(const char *, const struct siphon_pg_roles *,
                           struct siphon_pg_dropped *);

/*
 * The line in a buffer of its length and a NUL: no more, so a read past
 * the NUL is caught.  (Without the NUL, strncmp on lines shorter than its
 * prefixes reads on: fuzz/findings/fuzz_pg_owner/.)
 */
static int
exact(drop_fn drop, const char *s, size_t len, const struct siphon_pg_roles *roles)
{
	char *line = malloc(len + 1);
	int r;

	if (line == NULL)
		return -1;
	memcpy(line, s, len);
	line[len] = '\0';
	r = drop(line, len, roles);
	free(line);
	return r;
}

/* pg_dump's \restrict lines, which a filter may leave out uncounted. */
static int
restrict_line(const char *s, size_t len)
{
	return (len >= 10 && memcmp(s, "\\restrict ", 10) == 0) ||
	       (len >= 12 && memcmp(s, "\\unrestrict ", 12) == 0);
}

/*
 * Every line a filter leaves out is one its drop function rejects, until
 * the first user mapping it leaves out (the owner filter only): from there
 * on a left-out line may be a later line of a mapping, whose text can be
 * anything (and equal a line kept further on, which this line-by-line
 * matching cannot tell apart), so only the output's being the input less
 * whole lines is checked.
 */
static void
check_filter(const char *text, filter_fn filter, drop_fn drop, int mappings,
             const struct siphon_pg_roles *roles)
{
	const char *in = text, *o;
	char *out;
	struct siphon_pg_dropped dropped = {0};
	int missing = 0, seen_mapping = 0;

	if ((out = filter(text, roles, &dropped)) == NULL)
		return;
	o = out;
	while (*in != '\0') {
		size_t len = strcspn(in, "\n");
		size_t olen = strcspn(o, "\n");

		if (*o != '\0' && olen == len && memcmp(in, o, len) == 0) {
			o += olen + (o[olen] == '\n');
		} else if (seen_mapping) {
			/* Left out, counted or not: see above. */
		} else if (mappings && exact(siphon_pg_mapping_drop, in, len, roles) == 1) {
			seen_mapping = 1;
		} else if (!restrict_line(in, len)) {
			FUZZ_CHECK(exact(drop, in, len, roles) == 1);
			missing++;
		}
		in += len;
		if (*in == '\n')
			in++;
	}
	FUZZ_CHECK(*o == '\0');
	FUZZ_CHECK(missing <= dropped.owners + dropped.acls + dropped.mappings);
	FUZZ_CHECK(dropped.missing.n <= dropped.owners + dropped.acls + dropped.mappings);
	siphon_pg_dropped_clear(&dropped);
	free(out);
}

/* The policy filter: a rewrite keeps every line, only shorter; a note says why. */
static void
check_policy(const char *text, const struct siphon_pg_roles *roles)
{
	char *out = NULL, *note = NULL;
	int r = siphon_pg_policy_filter(text, roles, &out, &note);

	FUZZ_CHECK(r >= -1 && r <= 2);
	FUZZ_CHECK((r == 1) == (out != NULL));
	FUZZ_CHECK((r == 1 || r == 2) == (note != NULL));
	if (out != NULL) {
		size_t nl_in = 0, nl_out = 0;

		for (const char *p = text; *p != '\0'; p++)
			nl_in += *p == '\n';
		for (const char *p = out; *p != '\0'; p++)
			nl_out += *p == '\n';
		FUZZ_CHECK(nl_in == nl_out && strlen(out) < strlen(text));
	}
	free(out);
	free(note);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_in in = {data, size};
	struct siphon_pg_roles roles = {0};
	const char *names[NPOOL];
	unsigned mask = fuzz_byte(&in);
	char *text, *p;
	size_t i;

	for (i = 0; i < NPOOL; i++)
		if (mask & (1u << i))
			names[roles.n++] = role_pool[i];
	roles.names = (char **)names;   /* read only: never sorted or freed here */
	if ((text = fuzz_rest_str(&in)) == NULL)
		return 0;
	for (p = text; *p != '\0';) {
		size_t len = strcspn(p, "\n");

		exact(siphon_pg_owner_drop, p, len, &roles);
		exact(siphon_pg_acl_drop, p, len, &roles);
		p += len + (p[len] == '\n');
	}
	check_filter(text, siphon_pg_owner_filter_text, siphon_pg_owner_drop, 1, &roles);
	check_filter(text, siphon_pg_acl_filter_text, siphon_pg_acl_drop, 0, &roles);
	check_policy(text, &roles);
	free(text);
	return 0;
}
