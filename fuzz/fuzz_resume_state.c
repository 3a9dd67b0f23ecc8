/*
 * fuzz_resume_state.c - the state file of an interrupted pull
 * (siphon_resume_parse: read back from disk by a later `pull --resume`
 * and by the stale sweep, so any bytes).
 *
 * Properties: a parsed state has every field a string with no NUL, a
 * temporary name that is not empty, a 64-digit lowercase hex fingerprint,
 * finished tables with a name and rows from 0 up; formatting it gives one
 * line a field (no control byte but the newlines), and parsing that again
 * gives the same state, whose format is the same bytes.
 */
#include "fuzz.h"

#include "engine/resume_state.h"

static void
check_same(const struct siphon_resume_state *a, const struct siphon_resume_state *b)
{
	FUZZ_CHECK(strcmp(a->version, b->version) == 0 && strcmp(a->engine, b->engine) == 0 &&
	           strcmp(a->host, b->host) == 0 && strcmp(a->database, b->database) == 0 &&
	           strcmp(a->into, b->into) == 0 && strcmp(a->temp, b->temp) == 0 &&
	           strcmp(a->fingerprint, b->fingerprint) == 0 && a->time == b->time &&
	           a->ndone == b->ndone);
	for (int i = 0; i < a->ndone; i++)
		FUZZ_CHECK(strcmp(a->done[i].name, b->done[i].name) == 0 && a->done[i].rows == b->done[i].rows);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct siphon_resume_state a, b;
	struct siphon_strbuf f1 = {0}, f2 = {0};

	if (siphon_resume_parse((const char *)data, size, &a) != 0)
		return 0;
	FUZZ_CHECK(a.temp[0] != '\0' && strlen(a.fingerprint) == 64 &&
	           strspn(a.fingerprint, "0123456789abcdef") == 64 && a.time >= 0);
	for (int i = 0; i < a.ndone; i++)
		FUZZ_CHECK(a.done[i].name[0] != '\0' && a.done[i].rows >= 0);
	FUZZ_CHECK(siphon_resume_format(&a, &f1) == 0);
	for (size_t i = 0; i < f1.len; i++)
		FUZZ_CHECK(f1.buf[i] == '\n' || ((unsigned char)f1.buf[i] >= 0x20 && f1.buf[i] != 0x7f));
	FUZZ_CHECK(siphon_resume_parse(f1.buf, f1.len, &b) == 0);
	check_same(&a, &b);
	FUZZ_CHECK(siphon_resume_format(&b, &f2) == 0);
	FUZZ_CHECK(f1.len == f2.len && memcmp(f1.buf, f2.buf, f1.len) == 0);
	siphon_strbuf_free(&f1);
	siphon_strbuf_free(&f2);
	siphon_resume_clear(&a);
	siphon_resume_clear(&b);
	return 0;
}
