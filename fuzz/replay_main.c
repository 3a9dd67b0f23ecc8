/*
 * replay_main.c - runs a harness on the files named on the command line,
 * without libFuzzer: the corpus replays under any compiler (gcc, a plain
 * or sanitizer build), so CI needs no clang to catch a regression.
 */
#include "fuzz.h"

#include <errno.h>

static int
replay(const char *path)
{
	FILE *f;
	unsigned char *buf = NULL, *nb;
	size_t len = 0, cap = 0, n;
	int r = -1;

	if ((f = fopen(path, "rb")) == NULL) {
		fprintf(stderr, "%s: %s\n", path, strerror(errno));
		return -1;
	}
	for (;;) {
		if (cap - len < 65536) {
			if ((nb = realloc(buf, cap + 65536)) == NULL)
				goto out;
			buf = nb;
			cap += 65536;
		}
		n = fread(buf + len, 1, cap - len, f);
		len += n;
		if (n == 0)
			break;
	}
	if (ferror(f)) {
		fprintf(stderr, "%s: read error\n", path);
		goto out;
	}
	LLVMFuzzerTestOneInput(buf, len);
	r = 0;
out:
	free(buf);
	fclose(f);
	return r;
}

int
main(int argc, char **argv)
{
	int i, bad = 0;

	for (i = 1; i < argc; i++)
		if (replay(argv[i]) != 0)
			bad = 1;
	printf("replayed %d input%s\n", argc - 1 - bad, argc - 1 - bad == 1 ? "" : "s");
	return bad;
}
