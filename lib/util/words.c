/* words.c - sh-like splitting of an option string into words. */
#include "util/words.h"

#include "util/strbuf.h"

#include <string.h>

int
siphon_words_split(const char *opts, int (*emit)(void *arg, const char *word), void *arg)
{
	struct siphon_strbuf word = {0};
	const char *p = opts;
	int r = 0, inword = 0;

	while (*p != '\0') {
		if (*p == ' ' || *p == '\t' || *p == '\n') {
			if (inword) {
				if ((r = emit(arg, siphon_strbuf_str(&word))) != 0)
					goto out;
				siphon_strbuf_reset(&word);
				inword = 0;
			}
			p++;
			continue;
		}
		inword = 1;
		if (*p == '\'') {
			const char *end = strchr(p + 1, '\'');

			if (end == NULL) {
				r = -2;
				goto out;
			}
			if (siphon_strbuf_append(&word, p + 1, (size_t)(end - p - 1)) != 0)
				goto oom;
			p = end + 1;
		} else if (*p == '"') {
			for (p++; *p != '"'; p++) {
				if (*p == '\0') {
					r = -2;
					goto out;
				}
				if (*p == '\\' && p[1] != '\0' && strchr("\"\\$`", p[1]) != NULL)
					p++;
				if (siphon_strbuf_append(&word, p, 1) != 0)
					goto oom;
			}
			p++;
		} else {
			if (*p == '\\' && p[1] != '\0')
				p++;
			if (siphon_strbuf_append(&word, p, 1) != 0)
				goto oom;
			p++;
		}
	}
	if (inword)
		r = emit(arg, siphon_strbuf_str(&word));
	goto out;
oom:
	r = -1;
out:
	siphon_strbuf_free(&word);
	return r;
}
