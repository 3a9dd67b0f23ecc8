/*
 * cfg_state.c - where a profile's state lives ($XDG_STATE_HOME/siphon, else
 * ~/.local/state/siphon) and the "key=value" lines its small files (the
 * last-pull record, the lock) are made of.  Those files are read back by
 * later runs, so their reader takes any bytes: lines of any length, values
 * that are no numbers, control characters.
 */
#include "config/config.h"

#include "util/ctx.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int
siphon_cfg_state_path(const char *prefix, const char *name, const char *suffix, char *buf,
                      size_t cap)
{
	const char *state = getenv("XDG_STATE_HOME"), *home = getenv("HOME");
	int w;

	if (!siphon_config_name_ok(name))
		return -1;
	/* A relative XDG_STATE_HOME is invalid by the spec: ignored, as others do. */
	if (state != NULL && state[0] == '/')
		w = snprintf(buf, cap, "%s/siphon/%s%s%s", state, prefix, name, suffix);
	else if (home != NULL && home[0] == '/')
		w = snprintf(buf, cap, "%s/.local/state/siphon/%s%s%s", home, prefix, name, suffix);
	else
		return -1;
	return w > 0 && (size_t)w < cap ? 0 : -1;
}

int
siphon_cfg_state_file(struct siphon_ctx *ctx, const char *what, const char *prefix, const char *name,
                      const char *suffix, char *path, size_t cap, char **display)
{
	*display = NULL;
	if (siphon_cfg_state_path(prefix, name, suffix, path, cap) != 0)
		return siphon_err(ctx, SIPHON_EUSAGE, "no place for the %s of profile '%s': set HOME or "
		                  "XDG_STATE_HOME", what, name);
	if ((*display = siphon_cfg_display_path(path)) == NULL)
		return siphon_err_oom(ctx);
	return siphon_cfg_make_parents(ctx, path, *display);
}

int
siphon_cfg_kv_next(const char **p, const char *end, struct siphon_cfg_kv *kv)
{
	const char *s = *p, *nl, *eq;

	if (s >= end)
		return 0;
	if ((nl = memchr(s, '\n', (size_t)(end - s))) == NULL)
		nl = end;
	*p = nl < end ? nl + 1 : end;
	memset(kv, 0, sizeof(*kv));
	if ((eq = memchr(s, '=', (size_t)(nl - s))) == NULL) {
		kv->key = kv->value = s;
		return 1;
	}
	kv->key = s;
	kv->klen = (size_t)(eq - s);
	kv->value = eq + 1;
	kv->vlen = (size_t)(nl - kv->value);
	/* A CRLF file (edited elsewhere) reads as the LF one. */
	if (kv->vlen > 0 && kv->value[kv->vlen - 1] == '\r')
		kv->vlen--;
	return 1;
}

int
siphon_cfg_kv_is(const struct siphon_cfg_kv *kv, const char *key)
{
	return kv->klen == strlen(key) && memcmp(kv->key, key, kv->klen) == 0;
}

int
siphon_cfg_kv_int(const struct siphon_cfg_kv *kv, int64_t *out)
{
	char num[32], *end;
	long long v;

	if (kv->vlen == 0 || kv->vlen >= sizeof(num))
		return -1;
	memcpy(num, kv->value, kv->vlen);
	num[kv->vlen] = '\0';
	errno = 0;
	v = strtoll(num, &end, 10);
	if (errno != 0 || *end != '\0' || end == num)
		return -1;
	*out = (int64_t)v;
	return 0;
}

size_t
siphon_cfg_one_line(char *buf, size_t cap, const char *text, size_t len)
{
	size_t n = 0;

	if (cap == 0)
		return 0;
	for (size_t i = 0; i < len && n + 1 < cap; i++) {
		unsigned char c = (unsigned char)text[i];

		buf[n++] = c < 0x20 || c == 0x7f ? '?' : (char)c;
	}
	/* Cut short: do not leave half a UTF-8 character at the end. */
	if (n < len && n > 0) {
		size_t k = n;

		while (k > 0 && ((unsigned char)buf[k - 1] & 0xc0) == 0x80)
			k--;
		if (k > 0 && ((unsigned char)buf[k - 1] & 0xc0) == 0xc0) {
			unsigned char lead = (unsigned char)buf[k - 1];
			size_t need = lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : 2;

			if (n - (k - 1) < need)
				n = k - 1;
		}
	}
	buf[n] = '\0';
	return n;
}

long
siphon_cfg_read_small(const char *path, char *buf, size_t cap)
{
	size_t len = 0;
	int fd;

	if (cap == 0 || (fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)) < 0)
		return -1;
	while (len + 1 < cap) {
		ssize_t n = read(fd, buf + len, cap - 1 - len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			close(fd);
			return -1;
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	close(fd);
	buf[len] = '\0';
	return (long)len;
}
