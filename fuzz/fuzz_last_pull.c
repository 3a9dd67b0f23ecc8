/*
 * fuzz_last_pull.c - the run record's reader (siphon_last_pull_parse: a
 * file a later run reads back, so any bytes), and the "key=value" lines
 * under it (siphon_cfg_kv_next), which the lock's holder lines share.
 *
 * Properties: the lines cover the input exactly (each ends at a newline or
 * the end); a parsed record's message is terminated, one line without a
 * control character; formatting a parsed record and parsing it again gives
 * the same record, whose format is the same bytes (the format is a fixed
 * point after one trip).
 */
#include "fuzz.h"

#include "config/config.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *p = (const char *)data, *end = p + size;
	struct siphon_last_pull a, b;
	struct siphon_cfg_kv kv;
	char f1[1024], f2[1024];
	size_t covered = 0;
	int w1, w2;

	while (siphon_cfg_kv_next(&p, end, &kv)) {
		FUZZ_CHECK(kv.klen == 0 || memchr(kv.key, '\n', kv.klen) == NULL);
		FUZZ_CHECK(kv.vlen == 0 || memchr(kv.value, '\n', kv.vlen) == NULL);
		covered = (size_t)(p - (const char *)data);
	}
	FUZZ_CHECK(covered == size);

	if (siphon_last_pull_parse((const char *)data, size, &a) != 0)
		return 0;
	FUZZ_CHECK(memchr(a.message, '\0', sizeof(a.message)) != NULL);
	for (const char *m = a.message; *m != '\0'; m++)
		FUZZ_CHECK((unsigned char)*m >= 0x20 && *m != 0x7f);
	FUZZ_CHECK(a.exit_code >= 0 && a.exit_code <= 255 && a.tables >= -1 && a.seconds >= 0);
	w1 = siphon_last_pull_format(&a, f1, sizeof(f1));
	FUZZ_CHECK(w1 > 0);
	FUZZ_CHECK(siphon_last_pull_parse(f1, (size_t)w1, &b) == 0);
	FUZZ_CHECK(a.time == b.time && a.exit_code == b.exit_code && a.bytes == b.bytes &&
	           a.started == b.started && a.raw_bytes == b.raw_bytes && a.tables == b.tables &&
	           a.unattended == b.unattended && strcmp(a.message, b.message) == 0);
	w2 = siphon_last_pull_format(&b, f2, sizeof(f2));
	FUZZ_CHECK(w2 == w1 && memcmp(f1, f2, (size_t)w1) == 0);
	return 0;
}
