/* knownhosts.c - host key verification against OpenSSH known_hosts files. */
#include "ssh/knownhosts.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/*
 * Longer lines are not host keys anyone wrote (an RSA 16384 key is about
 * 2.8 KB of base64); skipping them bounds what we keep of the file.
 */
#define LINE_MAX_LEN 16384

struct siphon_knownhosts {
	LIBSSH2_KNOWNHOSTS *kh;
	char *path;
	char **revoked;     /* base64 key blobs from @revoked lines */
	size_t nrevoked;
};

/* In siphon's order of preference, which the host key method list follows. */
static const struct keytype {
	int type;           /* LIBSSH2_HOSTKEY_TYPE_* */
	int bits;           /* LIBSSH2_KNOWNHOST_KEY_* */
	const char *name;
} keytypes[] = {
	{ LIBSSH2_HOSTKEY_TYPE_ED25519, LIBSSH2_KNOWNHOST_KEY_ED25519,
	  "ssh-ed25519" },
	{ LIBSSH2_HOSTKEY_TYPE_ECDSA_256, LIBSSH2_KNOWNHOST_KEY_ECDSA_256,
	  "ecdsa-sha2-nistp256" },
	{ LIBSSH2_HOSTKEY_TYPE_ECDSA_384, LIBSSH2_KNOWNHOST_KEY_ECDSA_384,
	  "ecdsa-sha2-nistp384" },
	{ LIBSSH2_HOSTKEY_TYPE_ECDSA_521, LIBSSH2_KNOWNHOST_KEY_ECDSA_521,
	  "ecdsa-sha2-nistp521" },
	{ LIBSSH2_HOSTKEY_TYPE_RSA, LIBSSH2_KNOWNHOST_KEY_SSHRSA, "ssh-rsa" },
	{ LIBSSH2_HOSTKEY_TYPE_DSS, LIBSSH2_KNOWNHOST_KEY_SSHDSS, "ssh-dss" },
};

#define NKEYTYPES (sizeof(keytypes) / sizeof(keytypes[0]))

static const struct keytype *
keytype(int type)
{
	for (size_t i = 0; i < NKEYTYPES; i++)
		if (keytypes[i].type == type)
			return &keytypes[i];
	return NULL;
}

const char *
siphon_knownhosts_type_name(int type)
{
	const struct keytype *kt = keytype(type);

	return kt != NULL ? kt->name : NULL;
}

int
siphon_knownhosts_type_bits(int type)
{
	const struct keytype *kt = keytype(type);

	return kt != NULL ? kt->bits : 0;
}

int
siphon_knownhosts_hostspec(char *buf, size_t cap, const char *host, int port)
{
	int n;

	/* OpenSSH files hosts under the lower-case name; hashes depend on it. */
	if (port == 0 || port == 22)
		n = snprintf(buf, cap, "%s", host);
	else
		n = snprintf(buf, cap, "[%s]:%d", host, port);
	if (n < 0 || (size_t)n >= cap)
		return -1;
	for (char *p = buf; *p != '\0'; p++)
		*p = (char)tolower((unsigned char)*p);
	return 0;
}

int
siphon_knownhosts_hostkey_prefs(char *buf, size_t cap, unsigned types)
{
	size_t len = 0;
	int n;

	if (cap == 0)
		return -1;
	buf[0] = '\0';
	for (int known = 1; known >= 0; known--) {
		for (size_t i = 0; i < NKEYTYPES; i++) {
			if (((types >> keytypes[i].type) & 1u) != (unsigned)known)
				continue;
			n = snprintf(buf + len, cap - len, "%s%s", len ? "," : "",
			             keytypes[i].name);
			if (n < 0 || (size_t)n >= cap - len)
				return -1;
			len += (size_t)n;
		}
	}
	return 0;
}

/* Base64 of a blob, NUL-terminated, in a buffer the caller frees. */
static char *
base64(const unsigned char *data, size_t len)
{
	char *out;

	if (len > INT_MAX / 2)
		return NULL;
	if ((out = malloc(4 * ((len + 2) / 3) + 1)) == NULL)
		return NULL;
	EVP_EncodeBlock((unsigned char *)out, data, (int)len);
	return out;
}

int
siphon_knownhosts_fingerprint(char *buf, size_t cap, const unsigned char *key,
                              size_t len)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned char b64[4 * ((EVP_MAX_MD_SIZE + 2) / 3) + 1];
	unsigned int mdlen = 0;
	int n;

	if (EVP_Digest(key, len, md, &mdlen, EVP_sha256(), NULL) != 1)
		return -1;
	n = EVP_EncodeBlock(b64, md, (int)mdlen);
	/* OpenSSH prints the fingerprint without base64 padding. */
	while (n > 0 && b64[n - 1] == '=')
		b64[--n] = '\0';
	n = snprintf(buf, cap, "SHA256:%s", (const char *)b64);
	if (n < 0 || (size_t)n >= cap)
		return -1;
	return 0;
}

char *
siphon_knownhosts_line(const char *hostspec, int type,
                       const unsigned char *key, size_t len)
{
	const char *name = siphon_knownhosts_type_name(type);
	char *b64, *line = NULL;

	if (name == NULL || (b64 = base64(key, len)) == NULL)
		return NULL;
	if (asprintf(&line, "%s %s %s\n", hostspec, name, b64) < 0)
		line = NULL;
	free(b64);
	return line;
}

/* Skips a run of blanks, then returns the start of the next field. */
static char *
skip_blanks(char *p)
{
	while (*p == ' ' || *p == '\t')
		p++;
	return p;
}

static char *
skip_field(char *p)
{
	while (*p != '\0' && *p != ' ' && *p != '\t')
		p++;
	return p;
}

/*
 * Keeps the key of "@revoked hosts keytype base64 [comment]".  A line
 * without a key field is ignored like any other unparsable line.
 */
static int
add_revoked(struct siphon_knownhosts *kh, char *rest)
{
	char **v, *key, *end;

	rest = skip_blanks(skip_field(skip_blanks(rest)));	/* hosts */
	rest = skip_blanks(skip_field(rest));			/* key type */
	key = rest;
	end = skip_field(key);
	if (end == key)
		return 0;
	*end = '\0';
	v = realloc(kh->revoked, (kh->nrevoked + 1) * sizeof(*v));
	if (v == NULL)
		return -1;
	kh->revoked = v;
	if ((v[kh->nrevoked] = strdup(key)) == NULL)
		return -1;
	kh->nrevoked++;
	return 0;
}

/*
 * libssh2 1.10 takes a host field shorter than its "|1|" marker for a broken
 * hashed entry and drops the line, so "db ssh-ed25519 ..." (an ssh config
 * alias) would never match.  Such a field is given as a list of the same
 * name ("db,db"), which means the same thing to OpenSSH and to libssh2.
 */
static int
readline_padded(struct siphon_knownhosts *kh, const char *p)
{
	size_t hl = strcspn(p, " \t");
	char buf[8192];
	size_t n;

	if (hl == 0 || hl >= 4 || p[0] == '|' || strlen(p) + 4 * hl + 4 >= sizeof(buf))
		return libssh2_knownhost_readline(kh->kh, p, strlen(p), LIBSSH2_KNOWNHOST_FILE_OPENSSH);
	memcpy(buf, p, hl);
	n = hl;
	while (n < 4) {
		buf[n++] = ',';
		memcpy(buf + n, p, hl);
		n += hl;
	}
	memcpy(buf + n, p + hl, strlen(p + hl) + 1);
	return libssh2_knownhost_readline(kh->kh, buf, strlen(buf), LIBSSH2_KNOWNHOST_FILE_OPENSSH);
}

/* Handles one line, stripped of its line end.  Returns 0, or -1 for OOM. */
static int
load_line(struct siphon_knownhosts *kh, struct siphon_ctx *ctx, char *line,
          unsigned long lineno)
{
	char *p = skip_blanks(line), *marker_end;
	size_t mlen;
	int rc;

	if (*p == '\0' || *p == '#')
		return 0;
	if (*p == '@') {
		marker_end = skip_field(p);
		mlen = (size_t)(marker_end - p);
		if (mlen == 8 && strncmp(p, "@revoked", 8) == 0)
			return add_revoked(kh, marker_end);
		/*
		 * @cert-authority and markers yet to come: libssh2 1.10 has no
		 * certificates, and would read the marker as a host name.
		 */
		siphon_log(ctx, SIPHON_LOG_DEBUG, "%s:%lu: skipped %.*s line",
		           kh->path, lineno, (int)mlen, p);
		return 0;
	}
	rc = readline_padded(kh, p);
	if (rc == LIBSSH2_ERROR_ALLOC)
		return -1;
	if (rc != 0)
		siphon_log(ctx, SIPHON_LOG_DEBUG, "%s:%lu: skipped a line libssh2 "
		           "cannot parse", kh->path, lineno);
	return 0;
}

int
siphon_knownhosts_load(struct siphon_knownhosts **out, struct siphon_ctx *ctx,
                       LIBSSH2_SESSION *s, const char *path)
{
	struct siphon_knownhosts *kh;
	FILE *f = NULL;
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	unsigned long lineno = 0;
	int r = 0;

	*out = NULL;
	if ((kh = calloc(1, sizeof(*kh))) == NULL)
		return siphon_err_oom(ctx);
	if ((kh->path = strdup(path)) == NULL ||
	    (kh->kh = libssh2_knownhost_init(s)) == NULL) {
		r = siphon_err_oom(ctx);
		goto out;
	}
	if ((f = fopen(path, "re")) == NULL) {
		if (errno == ENOENT)
			goto done;	/* nothing known yet */
		r = siphon_err(ctx, SIPHON_EHOSTKEY, "cannot read known_hosts file "
		               "%s: %s", path, strerror(errno));
		goto out;
	}
	while ((n = getline(&line, &cap, f)) >= 0) {
		lineno++;
		if (n > LINE_MAX_LEN) {
			siphon_log(ctx, SIPHON_LOG_DEBUG, "%s:%lu: skipped an overlong "
			           "line", path, lineno);
			continue;
		}
		while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r' ||
		                 line[n - 1] == ' ' || line[n - 1] == '\t'))
			line[--n] = '\0';
		if (load_line(kh, ctx, line, lineno) != 0) {
			r = siphon_err_oom(ctx);
			goto out;
		}
	}
	if (ferror(f)) {
		r = siphon_err(ctx, SIPHON_EHOSTKEY, "cannot read known_hosts file "
		               "%s: %s", path, strerror(errno));
		goto out;
	}
done:
	*out = kh;
	kh = NULL;
out:
	free(line);
	if (f != NULL)
		fclose(f);
	siphon_knownhosts_free(kh);
	return r;
}

void
siphon_knownhosts_free(struct siphon_knownhosts *kh)
{
	if (kh == NULL)
		return;
	if (kh->kh != NULL)
		libssh2_knownhost_free(kh->kh);
	for (size_t i = 0; i < kh->nrevoked; i++)
		free(kh->revoked[i]);
	free(kh->revoked);
	free(kh->path);
	free(kh);
}

unsigned
siphon_knownhosts_types(struct siphon_knownhosts *kh, const char *hostspec)
{
	/*
	 * libssh2 cannot list the types for a hashed name, but its check
	 * reports MISMATCH when the host has a key of the asked type that is
	 * not the one given: asking with a key that cannot be in any file
	 * tells, type by type, what the file holds.
	 */
	static const char probe[] = "not a key";
	unsigned types = 0;
	int rc;

	for (size_t i = 0; i < NKEYTYPES; i++) {
		rc = libssh2_knownhost_checkp(kh->kh, hostspec, -1, probe,
		                              sizeof(probe) - 1,
		                              LIBSSH2_KNOWNHOST_TYPE_PLAIN |
		                              LIBSSH2_KNOWNHOST_KEYENC_RAW |
		                              keytypes[i].bits, NULL);
		if (rc == LIBSSH2_KNOWNHOST_CHECK_MISMATCH)
			types |= 1u << keytypes[i].type;
	}
	return types;
}

enum siphon_knownhosts_status
siphon_knownhosts_check(struct siphon_knownhosts *kh, const char *hostspec,
                        int type, const unsigned char *key, size_t len)
{
	int bits = siphon_knownhosts_type_bits(type);
	char *b64;
	int rc;

	if (bits == 0)
		return SIPHON_KH_NOTFOUND;
	if ((b64 = base64(key, len)) == NULL)
		return SIPHON_KH_FAILURE;
	for (size_t i = 0; i < kh->nrevoked; i++) {
		if (strcmp(kh->revoked[i], b64) == 0) {
			free(b64);
			return SIPHON_KH_REVOKED;
		}
	}
	/*
	 * Port -1 with the "[host]:port" name already formed: given a port,
	 * libssh2 1.10 also accepts entries for the bare host name, which
	 * OpenSSH uses for port 22 only.
	 */
	rc = libssh2_knownhost_checkp(kh->kh, hostspec, -1, b64, strlen(b64),
	                              LIBSSH2_KNOWNHOST_TYPE_PLAIN |
	                              LIBSSH2_KNOWNHOST_KEYENC_BASE64 | bits,
	                              NULL);
	free(b64);
	switch (rc) {
	case LIBSSH2_KNOWNHOST_CHECK_MATCH:
		return SIPHON_KH_MATCH;
	case LIBSSH2_KNOWNHOST_CHECK_MISMATCH:
		return SIPHON_KH_MISMATCH;
	case LIBSSH2_KNOWNHOST_CHECK_NOTFOUND:
		return SIPHON_KH_NOTFOUND;
	default:
		return SIPHON_KH_FAILURE;
	}
}

/*
 * Creates the file's directory (one level, 0700) when it is missing.
 * Returns 0, or -1 with errno set and the directory's name in what.
 */
static int
make_parent(const char *path, const char **what)
{
	char *dir, *slash;
	int r = 0, e = 0;

	if ((dir = strdup(path)) == NULL)
		return -1;
	slash = strrchr(dir, '/');
	if (slash != NULL && slash != dir) {
		*slash = '\0';
		if (mkdir(dir, 0700) < 0 && errno != EEXIST) {
			e = errno;
			*what = "cannot create the directory of";
			r = -1;
		}
	}
	free(dir);
	errno = e;
	return r;
}

/* Writes all of buf or fails with errno set. */
static int
write_all(int fd, const char *buf, size_t len)
{
	ssize_t n;

	while (len > 0) {
		n = write(fd, buf, len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

/*
 * Appends line to path.  Returns 0, or -1 with errno set and *what saying
 * which step failed (ENOMEM included), without touching the context: the
 * caller decides whether that is an error or a warning.
 */
static int
append_line(const char *path, const char *line, const char **what)
{
	struct stat st;
	char *buf = NULL, last = '\n';
	int fd, e;

	*what = "cannot add the host key to";
	if (make_parent(path, what) < 0)
		return -1;
	/* Read access too: the last byte is looked at below. */
	fd = open(path, O_RDWR | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0)
		return -1;
	if (fstat(fd, &st) < 0)
		goto fail;
	/* A last line without its newline must not swallow ours. */
	if (st.st_size > 0 && pread(fd, &last, 1, st.st_size - 1) != 1)
		goto fail;
	/* One write, so that two runs adding at once do not interleave. */
	if (asprintf(&buf, "%s%s", last == '\n' ? "" : "\n", line) < 0) {
		buf = NULL;
		errno = ENOMEM;
		goto fail;
	}
	if (write_all(fd, buf, strlen(buf)) < 0)
		goto fail;
	free(buf);
	return close(fd);
fail:
	e = errno;
	free(buf);
	close(fd);
	errno = e;
	return -1;
}

int
siphon_knownhosts_add(struct siphon_ctx *ctx, const char *path,
                      const char *hostspec, int type,
                      const unsigned char *key, size_t len)
{
	const char *what;
	char *line;
	int r = 0;

	if ((line = siphon_knownhosts_line(hostspec, type, key, len)) == NULL)
		return siphon_err_oom(ctx);
	if (append_line(path, line, &what) < 0)
		r = siphon_err(ctx, SIPHON_EHOSTKEY, "%s %s: %s", what, path,
		               strerror(errno));
	free(line);
	return r;
}

/* What the file holds for the host instead, for the "unknown key" message. */
static void
other_types(char *buf, size_t cap, unsigned types)
{
	size_t len = 0;
	int n;

	buf[0] = '\0';
	for (size_t i = 0; i < NKEYTYPES; i++) {
		if (!((types >> keytypes[i].type) & 1u))
			continue;
		n = snprintf(buf + len, cap - len, "%s%s", len ? ", " : "",
		             keytypes[i].name);
		if (n < 0 || (size_t)n >= cap - len)
			return;
		len += (size_t)n;
	}
}

int
siphon_knownhosts_verify(struct siphon_knownhosts *kh, struct siphon_ctx *ctx,
                         LIBSSH2_SESSION *s, const char *host, int port,
                         int accept_new)
{
	char spec[SIPHON_HOSTSPEC_MAX], fp[SIPHON_FINGERPRINT_MAX];
	char others[128], sshcmd[SIPHON_HOSTSPEC_MAX + 32];
	const unsigned char *key;
	const char *name, *what;
	char *line;
	size_t len = 0;
	unsigned types;
	int type = LIBSSH2_HOSTKEY_TYPE_UNKNOWN, r;

	if (siphon_knownhosts_hostspec(spec, sizeof(spec), host, port) != 0)
		return siphon_err(ctx, SIPHON_EUSAGE, "host name too long: %s",
		                  host);
	key = (const unsigned char *)libssh2_session_hostkey(s, &len, &type);
	if (key == NULL || len == 0)
		return siphon_err(ctx, SIPHON_EINTERNAL, "no host key from %s after "
		                  "the handshake", spec);
	if ((name = siphon_knownhosts_type_name(type)) == NULL)
		return siphon_err(ctx, SIPHON_EHOSTKEY, "host key of %s has a type "
		                  "siphon does not know (%d)", spec, type);
	if (siphon_knownhosts_fingerprint(fp, sizeof(fp), key, len) != 0)
		return siphon_err(ctx, SIPHON_EINTERNAL, "cannot hash the host key "
		                  "of %s", spec);
	if (port == 0 || port == 22)
		snprintf(sshcmd, sizeof(sshcmd), "ssh %s", host);
	else
		snprintf(sshcmd, sizeof(sshcmd), "ssh -p %d %s", port, host);

	switch (siphon_knownhosts_check(kh, spec, type, key, len)) {
	case SIPHON_KH_MATCH:
		siphon_log(ctx, SIPHON_LOG_DEBUG, "host key for %s found in %s (%s "
		           "%s)", spec, kh->path, name, fp);
		return 0;
	case SIPHON_KH_REVOKED:
		return siphon_err(ctx, SIPHON_EHOSTKEY, "host key for %s (%s %s) is "
		                  "marked @revoked in %s; refusing to connect", spec,
		                  name, fp, kh->path);
	case SIPHON_KH_MISMATCH:
		return siphon_err(ctx, SIPHON_EHOSTKEY, "host key for %s has CHANGED "
		                  "(%s %s); this could be an attack. If the server "
		                  "was legitimately reinstalled, remove the old key: "
		                  "ssh-keygen -R '%s' -f %s", spec, name, fp, spec,
		                  kh->path);
	case SIPHON_KH_NOTFOUND:
		break;
	default:
		return siphon_err(ctx, SIPHON_ENOMEM, "cannot check the host key of "
		                  "%s: out of memory", spec);
	}

	/*
	 * Unknown.  When the file knows the host under other key types, the
	 * server offered none of them that libssh2 1.10 can use (OpenSSH 8.8+
	 * no longer offers RSA keys as ssh-rsa): say so, since the user may
	 * well have verified this host before.
	 */
	types = siphon_knownhosts_types(kh, spec);
	other_types(others, sizeof(others), types);
	if (!accept_new) {
		if (types != 0)
			return siphon_err(ctx, SIPHON_EHOSTKEY, "unknown host key for "
			                  "%s: %s %s (%s has only %s keys for this "
			                  "host, which this connection could not use); "
			                  "verify it and run again with "
			                  "--accept-new-host-key, or %s once", spec, name,
			                  fp, kh->path, others, sshcmd);
		return siphon_err(ctx, SIPHON_EHOSTKEY, "unknown host key for %s: "
		                  "%s %s (not in %s); verify it and run again with "
		                  "--accept-new-host-key, or %s once", spec, name, fp,
		                  kh->path, sshcmd);
	}
	if ((line = siphon_knownhosts_line(spec, type, key, len)) == NULL)
		return siphon_err_oom(ctx);
	r = append_line(kh->path, line, &what);
	free(line);
	if (r < 0) {
		/* The user accepted the key for this connection all the same. */
		siphon_log(ctx, SIPHON_LOG_WARN, "%s %s: %s (the new key of %s is "
		           "accepted for this connection only)", what, kh->path,
		           strerror(errno), spec);
		return 0;
	}
	siphon_log(ctx, SIPHON_LOG_WARN, "added %s %s %s to known_hosts (%s)%s%s",
	           spec, name, fp, kh->path, types ? "; it also holds " : "",
	           types ? others : "");
	return 0;
}
