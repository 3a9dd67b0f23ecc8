/*
 * fuzz_my_batch.c - a batch loader's answer (my_batch.h): the local client's
 * output, warnings (text the server's rows can shape) and marker lines,
 * read by siphon_my_batch_read.
 *
 * Properties: the count is within [0, n]; each table's lines lie inside the
 * input, in order, one right after the previous table's marker line, and
 * end where that table's marker line starts; reading with fewer tables
 * counts min(n, count); reading without segments counts the same.
 */
#include "fuzz.h"

#include "engine/mysql/my_batch.h"

#define N 16

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *seg[N];
	size_t len[N];
	char *s;
	int k;

	if ((s = fuzz_str(data, size)) == NULL)
		return 0;
	k = siphon_my_batch_read(s, N, seg, len);
	FUZZ_CHECK(k >= 0 && k <= N);
	for (int i = 0; i < k; i++) {
		const char *mark = seg[i] + len[i];

		FUZZ_CHECK(seg[i] >= s && mark <= s + strlen(s));
		FUZZ_CHECK(strncmp(mark, "siphon-loaded\t", 14) == 0);
		if (i > 0) {
			const char *prev = seg[i - 1] + len[i - 1];
			const char *nl = strchr(prev, '\n');

			FUZZ_CHECK(nl != NULL && nl + 1 == seg[i]);
		}
	}
	FUZZ_CHECK(siphon_my_batch_read(s, N, NULL, NULL) == k);
	FUZZ_CHECK(siphon_my_batch_read(s, 3, NULL, NULL) == (k < 3 ? k : 3));
	free(s);
	return 0;
}
