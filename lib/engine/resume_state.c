/*
 * resume_state.c - the state file an interrupted pull leaves for `pull
 * --resume` (resume_state.h has the format and the rules).
 */
#include "engine/resume_state.h"

#include "config/config.h"
#include "siphon.h"
#include "util/hex.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* Far more than any catalog's list of tables; a bigger file is no state file. */
#define STATE_FILE_MAX (16L * 1024 * 1024)

void
siphon_resume_clear(struct siphon_resume_state *s)
{
	if (s == NULL)
		return;
	free(s->version);
	free(s->engine);
	free(s->host);
	free(s->database);
	free(s->into);
	free(s->temp);
	for (int i = 0; i < s->ndone; i++)
		free(s->done[i].name);
	free(s->done);
	memset(s, 0, sizeof(*s));
}

int
siphon_resume_set(char **field, const char *value)
{
	char *v = strdup(value != NULL ? value : "");

	if (v == NULL)
		return -1;
	free(*field);
	*field = v;
	return 0;
}

int
siphon_resume_add_done(struct siphon_resume_state *s, const char *name, int64_t rows)
{
	struct siphon_resume_table *n;
	char *copy;

	if ((copy = strdup(name)) == NULL)
		return -1;
	if ((n = realloc(s->done, (size_t)(s->ndone + 1) * sizeof(*n))) == NULL) {
		free(copy);
		return -1;
	}
	s->done = n;
	n[s->ndone].name = copy;
	n[s->ndone].rows = rows;
	s->ndone++;
	return 0;
}

const struct siphon_resume_table *
siphon_resume_find(const struct siphon_resume_state *s, const char *name)
{
	for (int i = 0; i < s->ndone; i++)
		if (strcmp(s->done[i].name, name) == 0)
			return &s->done[i];
	return NULL;
}

int
siphon_resume_fingerprint(const char *text, char hex[65])
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;

	if (EVP_Digest(text, strlen(text), md, &mdlen, EVP_sha256(), NULL) != 1 || mdlen != 32)
		return -1;
	for (unsigned i = 0; i < mdlen; i++)
		snprintf(hex + 2 * i, 3, "%02x", md[i]);
	return 0;
}

/* value with control bytes and '%' as %XX: one line whatever it holds. */
static int
put_escaped(struct siphon_strbuf *out, const char *value)
{
	for (const unsigned char *p = (const unsigned char *)value; *p != '\0'; p++) {
		int r = *p < 0x20 || *p == 0x7f || *p == '%' ? siphon_strbuf_printf(out, "%%%02x", *p)
		                                             : siphon_strbuf_append(out, p, 1);
		if (r != 0)
			return -1;
	}
	return 0;
}

static int
put_field(struct siphon_strbuf *out, const char *key, const char *value)
{
	if (siphon_strbuf_printf(out, "%s=", key) != 0 || put_escaped(out, value != NULL ? value : "") != 0)
		return -1;
	return siphon_strbuf_puts(out, "\n");
}

int
siphon_resume_format(const struct siphon_resume_state *s, struct siphon_strbuf *out)
{
	siphon_strbuf_reset(out);
	if (siphon_strbuf_puts(out, "siphon-resume=1\n") != 0 ||
	    put_field(out, "version", s->version) != 0 || put_field(out, "engine", s->engine) != 0 ||
	    put_field(out, "host", s->host) != 0 || put_field(out, "database", s->database) != 0 ||
	    put_field(out, "into", s->into) != 0 || put_field(out, "temp", s->temp) != 0 ||
	    siphon_strbuf_printf(out, "time=%" PRId64 "\n", s->time) != 0 ||
	    put_field(out, "fingerprint", s->fingerprint) != 0)
		return -1;
	for (int i = 0; i < s->ndone; i++)
		if (siphon_strbuf_printf(out, "done=%" PRId64 " ", s->done[i].rows) != 0 ||
		    put_escaped(out, s->done[i].name) != 0 || siphon_strbuf_puts(out, "\n") != 0)
			return -1;
	return 0;
}

/* The %-escaped bytes v[0..n) as a new string; NULL when bad (a NUL, a broken escape) or no memory. */
static char *
unescape(const char *v, size_t n)
{
	char *s = malloc(n + 1), *o = s;

	if (s == NULL)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		int hi, lo;

		if (v[i] == '\0')
			goto bad;
		if (v[i] != '%') {
			*o++ = v[i];
			continue;
		}
		if (i + 2 >= n || (hi = siphon_hex_digit(v[i + 1])) < 0 || (lo = siphon_hex_digit(v[i + 2])) < 0 ||
		    (hi == 0 && lo == 0))
			goto bad;
		*o++ = (char)(hi * 16 + lo);
		i += 2;
	}
	*o = '\0';
	return s;
bad:
	free(s);
	return NULL;
}

/* One scalar field: *field replaced by the value. 0, or -1. */
static int
take_field(char **field, const struct siphon_cfg_kv *kv)
{
	char *v = unescape(kv->value, kv->vlen);

	if (v == NULL)
		return -1;
	free(*field);
	*field = v;
	return 0;
}

/* "ROWS NAME": rows from 0 up, a name of at least one byte. */
static int
take_done(struct siphon_resume_state *s, const struct siphon_cfg_kv *kv)
{
	const char *sp = memchr(kv->value, ' ', kv->vlen);
	struct siphon_cfg_kv num = *kv;
	char *name;
	int64_t rows;
	int r;

	if (sp == NULL || sp + 1 >= kv->value + kv->vlen)
		return -1;
	num.vlen = (size_t)(sp - kv->value);
	if (siphon_cfg_kv_int(&num, &rows) != 0 || rows < 0)
		return -1;
	if ((name = unescape(sp + 1, (size_t)(kv->value + kv->vlen - sp - 1))) == NULL)
		return -1;
	r = siphon_resume_add_done(s, name, rows);
	free(name);
	return r;
}

static int
fingerprint_ok(const char *f)
{
	return f != NULL && strlen(f) == 64 && strspn(f, "0123456789abcdef") == 64;
}

int
siphon_resume_parse(const char *data, size_t len, struct siphon_resume_state *out)
{
	const char *p = data, *end = data + len;
	struct siphon_cfg_kv kv;
	char *fp = NULL;
	int magic = 0, have_time = 0, r = 0;

	memset(out, 0, sizeof(*out));
	while (r == 0 && siphon_cfg_kv_next(&p, end, &kv)) {
		int64_t v;

		if (siphon_cfg_kv_is(&kv, "siphon-resume"))
			magic = kv.vlen == 1 && kv.value[0] == '1';
		else if (siphon_cfg_kv_is(&kv, "version"))
			r = take_field(&out->version, &kv);
		else if (siphon_cfg_kv_is(&kv, "engine"))
			r = take_field(&out->engine, &kv);
		else if (siphon_cfg_kv_is(&kv, "host"))
			r = take_field(&out->host, &kv);
		else if (siphon_cfg_kv_is(&kv, "database"))
			r = take_field(&out->database, &kv);
		else if (siphon_cfg_kv_is(&kv, "into"))
			r = take_field(&out->into, &kv);
		else if (siphon_cfg_kv_is(&kv, "temp"))
			r = take_field(&out->temp, &kv);
		else if (siphon_cfg_kv_is(&kv, "fingerprint"))
			r = take_field(&fp, &kv);
		else if (siphon_cfg_kv_is(&kv, "done"))
			r = take_done(out, &kv);
		else if (siphon_cfg_kv_is(&kv, "time") && siphon_cfg_kv_int(&kv, &v) == 0 && v >= 0) {
			out->time = v;
			have_time = 1;
		}
		/* Other keys: a later siphon's, ignored. */
	}
	if (r == 0 && magic && have_time && fingerprint_ok(fp) && out->version != NULL &&
	    out->engine != NULL && out->host != NULL && out->database != NULL && out->into != NULL &&
	    out->temp != NULL && out->temp[0] != '\0') {
		memcpy(out->fingerprint, fp, 65);
		free(fp);
		return 0;
	}
	free(fp);
	siphon_resume_clear(out);
	return -1;
}

int
siphon_resume_unusable(const struct siphon_resume_state *s, int64_t now, char *why, size_t cap)
{
	if (strcmp(s->version, SIPHON_VERSION) != 0) {
		snprintf(why, cap, "it was written by siphon %.40s, and this is %s", s->version, SIPHON_VERSION);
		return 1;
	}
	if (s->time > now + 300) {
		snprintf(why, cap, "its time lies in the future");
		return 1;
	}
	if (now - s->time >= SIPHON_RESUME_MAX_AGE_S) {
		snprintf(why, cap, "it is %" PRId64 " hours old (a kept copy is used for %d hours)",
		         (now - s->time) / 3600, SIPHON_RESUME_MAX_AGE_S / 3600);
		return 1;
	}
	return 0;
}

int
siphon_resume_path(const char *engine, const char *into, char *buf, size_t cap)
{
	char fp[65], name[96];

	/* Any target name (quotes, slashes, newlines) gives a plain file name. */
	if (siphon_resume_fingerprint(into, fp) != 0)
		return -1;
	snprintf(name, sizeof(name), "%s-%.16s", engine, fp);
	return siphon_cfg_state_path("resume/", name, "", buf, cap);
}

/* The state file at path: as siphon_resume_load. */
static int
load_path(const char *path, struct siphon_resume_state *out, char *why, size_t cap)
{
	struct stat st;
	char *data = NULL;
	size_t len = 0;
	int fd, r = -1;

	memset(out, 0, sizeof(*out));
	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)) < 0) {
		if (errno == ENOENT)
			return 0;
		snprintf(why, cap, "it cannot be read (%s)", strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		snprintf(why, cap, "it is not a regular file");
		goto out;
	}
	/* Someone else's file must not decide which database is kept or used. */
	if (st.st_uid != geteuid()) {
		snprintf(why, cap, "it belongs to another user (uid %ld)", (long)st.st_uid);
		goto out;
	}
	if (st.st_size > STATE_FILE_MAX || (data = malloc((size_t)st.st_size + 1)) == NULL) {
		snprintf(why, cap, "it is too big (%lld bytes)", (long long)st.st_size);
		goto out;
	}
	while (len < (size_t)st.st_size) {
		ssize_t n = read(fd, data + len, (size_t)st.st_size - len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		len += (size_t)n;
	}
	if (siphon_resume_parse(data, len, out) != 0) {
		snprintf(why, cap, "it is no state file of this siphon's");
		goto out;
	}
	r = 1;
out:
	free(data);
	close(fd);
	return r;
}

int
siphon_resume_load(const char *engine, const char *into, struct siphon_resume_state *out,
                   char *why, size_t cap)
{
	char path[4096];

	memset(out, 0, sizeof(*out));
	if (siphon_resume_path(engine, into, path, sizeof(path)) != 0)
		return 0;
	return load_path(path, out, why, cap);
}

int
siphon_resume_save(struct siphon_ctx *ctx, struct siphon_resume_state *s)
{
	struct siphon_strbuf data = {0};
	struct siphon_ctx tmp = *ctx;
	char path[4096], *display = NULL;
	int r = -1;

	/* The pull's own error (an interruption) stays the one reported. */
	tmp.errcode = 0;
	tmp.errmsg[0] = '\0';
	s->time = (int64_t)time(NULL);
	if (siphon_resume_path(s->engine, s->into, path, sizeof(path)) != 0 ||
	    siphon_resume_format(s, &data) != 0) {
		siphon_log(ctx, SIPHON_LOG_WARN, "cannot write the resume state (no HOME, or out of memory): a later --resume starts over");
		goto out;
	}
	if ((display = siphon_cfg_display_path(path)) == NULL ||
	    siphon_cfg_write_file(&tmp, path, display, data.buf, data.len, 0600) != 0) {
		siphon_log(ctx, SIPHON_LOG_WARN, "%s; a later --resume starts over",
		           tmp.errmsg[0] != '\0' ? tmp.errmsg : "cannot write the resume state");
		goto out;
	}
	r = 0;
out:
	free(display);
	siphon_strbuf_free(&data);
	return r;
}

void
siphon_resume_remove(const char *engine, const char *into)
{
	char path[4096];

	if (siphon_resume_path(engine, into, path, sizeof(path)) == 0)
		(void)unlink(path);
}

int
siphon_resume_keeps(const char *temp)
{
	char path[4096], why[128], *slash;
	struct dirent *de;
	DIR *dir;
	int keep = 0;

	if (siphon_cfg_state_path("resume/", "x", "", path, sizeof(path)) != 0 ||
	    (slash = strrchr(path, '/')) == NULL)
		return 0;
	*slash = '\0';
	if ((dir = opendir(path)) == NULL)
		return 0;
	while (!keep && (de = readdir(dir)) != NULL) {
		struct siphon_resume_state s;
		char file[4400];

		/* Dot files and the writer's temporaries (NAME.tmp.PID) are no state. */
		if (de->d_name[0] == '.' || strstr(de->d_name, ".tmp.") != NULL)
			continue;
		snprintf(file, sizeof(file), "%s/%s", path, de->d_name);
		if (load_path(file, &s, why, sizeof(why)) != 1)
			continue;
		keep = strcmp(s.temp, temp) == 0 && !siphon_resume_unusable(&s, (int64_t)time(NULL), why, sizeof(why));
		siphon_resume_clear(&s);
	}
	closedir(dir);
	return keep;
}
