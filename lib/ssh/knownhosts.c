/* knownhosts.c - host key verification against OpenSSH known_hosts files. */
#include "ssh/knownhosts.h"
#include "util/random.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
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

/* One file's entries. */
struct kh_file {
	LIBSSH2_KNOWNHOSTS *kh;
	char *path;
	char **revoked;     /* base64 key blobs from @revoked lines */
	size_t nrevoked;
};

/* The files, the user's first; files[0] gets new keys when nuser > 0. */
struct siphon_knownhosts {
	struct kh_file *files;
	size_t n;
	size_t nuser;
};

/* OpenSSH's salt and HMAC-SHA1 are 20 bytes each. */
#define HASH_SALT_LEN 20

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

int
siphon_knownhosts_hashed_name(char *buf, size_t cap, const char *hostspec,
                              const unsigned char *salt)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned char b64salt[4 * ((HASH_SALT_LEN + 2) / 3) + 1];
	unsigned char b64md[4 * ((EVP_MAX_MD_SIZE + 2) / 3) + 1];
	unsigned int mdlen = 0;
	int n;

	/* What ssh-keygen -H writes: the salt is the HMAC's key. */
	if (HMAC(EVP_sha1(), salt, HASH_SALT_LEN,
	         (const unsigned char *)hostspec, strlen(hostspec), md,
	         &mdlen) == NULL)
		return -1;
	EVP_EncodeBlock(b64salt, salt, HASH_SALT_LEN);
	EVP_EncodeBlock(b64md, md, (int)mdlen);
	n = snprintf(buf, cap, "|1|%s|%s", (const char *)b64salt,
	             (const char *)b64md);
	if (n < 0 || (size_t)n >= cap)
		return -1;
	return 0;
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
add_revoked(struct kh_file *kh, char *rest)
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
readline_padded(struct kh_file *kh, const char *p)
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
load_line(struct kh_file *kh, struct siphon_ctx *ctx, char *line,
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

/* Reads one file into kh (a missing file reads as empty). */
static int
load_file(struct kh_file *kh, struct siphon_ctx *ctx, LIBSSH2_SESSION *s,
          const char *path)
{
	FILE *f = NULL;
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	unsigned long lineno = 0;
	int r = 0;

	if ((kh->path = strdup(path)) == NULL ||
	    (kh->kh = libssh2_knownhost_init(s)) == NULL)
		return siphon_err_oom(ctx);
	if ((f = fopen(path, "re")) == NULL) {
		if (errno == ENOENT)
			return 0;	/* nothing known yet */
		return siphon_err(ctx, SIPHON_EHOSTKEY, "cannot read known_hosts "
		                  "file %s: %s", path, strerror(errno));
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
	if (ferror(f))
		r = siphon_err(ctx, SIPHON_EHOSTKEY, "cannot read known_hosts file "
		               "%s: %s", path, strerror(errno));
out:
	free(line);
	fclose(f);
	return r;
}

static void
free_file(struct kh_file *kh)
{
	if (kh->kh != NULL)
		libssh2_knownhost_free(kh->kh);
	for (size_t i = 0; i < kh->nrevoked; i++)
		free(kh->revoked[i]);
	free(kh->revoked);
	free(kh->path);
}

int
siphon_knownhosts_load_files(struct siphon_knownhosts **out,
                             struct siphon_ctx *ctx, LIBSSH2_SESSION *s,
                             const char *const *user, size_t nuser,
                             const char *const *global, size_t nglobal)
{
	struct siphon_knownhosts *kh;
	int r = 0;

	*out = NULL;
	if ((kh = calloc(1, sizeof(*kh))) == NULL ||
	    (kh->files = calloc(nuser + nglobal + 1, sizeof(*kh->files))) == NULL) {
		free(kh);
		return siphon_err_oom(ctx);
	}
	kh->nuser = nuser;
	for (size_t i = 0; i < nuser + nglobal; i++) {
		kh->n++;
		if ((r = load_file(&kh->files[i], ctx, s, i < nuser ? user[i] :
		                   global[i - nuser])) != 0)
			goto out;
	}
	*out = kh;
	kh = NULL;
out:
	siphon_knownhosts_free(kh);
	return r;
}

int
siphon_knownhosts_load(struct siphon_knownhosts **out, struct siphon_ctx *ctx,
                       LIBSSH2_SESSION *s, const char *path)
{
	return siphon_knownhosts_load_files(out, ctx, s, &path, 1, NULL, 0);
}

const char *
siphon_knownhosts_first_path(const struct siphon_knownhosts *kh)
{
	return kh->nuser > 0 ? kh->files[0].path : NULL;
}

void
siphon_knownhosts_free(struct siphon_knownhosts *kh)
{
	if (kh == NULL)
		return;
	for (size_t i = 0; i < kh->n; i++)
		free_file(&kh->files[i]);
	free(kh->files);
	free(kh);
}

/* The types one file holds for hostspec. */
static unsigned
file_types(const struct kh_file *f, const char *hostspec)
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
		rc = libssh2_knownhost_checkp(f->kh, hostspec, -1, probe,
		                              sizeof(probe) - 1,
		                              LIBSSH2_KNOWNHOST_TYPE_PLAIN |
		                              LIBSSH2_KNOWNHOST_KEYENC_RAW |
		                              keytypes[i].bits, NULL);
		if (rc == LIBSSH2_KNOWNHOST_CHECK_MISMATCH)
			types |= 1u << keytypes[i].type;
	}
	return types;
}

unsigned
siphon_knownhosts_types(struct siphon_knownhosts *kh, const char *hostspec)
{
	unsigned types = 0;

	for (size_t i = 0; i < kh->n; i++)
		types |= file_types(&kh->files[i], hostspec);
	return types;
}

/* One file's verdict on a base64 key. */
static enum siphon_knownhosts_status
file_check(const struct kh_file *f, const char *hostspec, int bits,
           const char *b64)
{
	int rc;

	/*
	 * Port -1 with the "[host]:port" name already formed: given a port,
	 * libssh2 1.10 also accepts entries for the bare host name, which
	 * OpenSSH uses for port 22 only.
	 */
	rc = libssh2_knownhost_checkp(f->kh, hostspec, -1, b64, strlen(b64),
	                              LIBSSH2_KNOWNHOST_TYPE_PLAIN |
	                              LIBSSH2_KNOWNHOST_KEYENC_BASE64 | bits,
	                              NULL);
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
 * The set's verdict: revoked in any file beats everything, then a match
 * in any file, then a different key in any file.  *where gets the file
 * that decided (NULL for NOTFOUND).
 */
static enum siphon_knownhosts_status
check_where(struct siphon_knownhosts *kh, const char *hostspec, int type,
            const unsigned char *key, size_t len, const char **where)
{
	enum siphon_knownhosts_status st = SIPHON_KH_NOTFOUND, one;
	int bits = siphon_knownhosts_type_bits(type);
	char *b64;

	*where = NULL;
	if (bits == 0)
		return SIPHON_KH_NOTFOUND;
	if ((b64 = base64(key, len)) == NULL)
		return SIPHON_KH_FAILURE;
	for (size_t i = 0; i < kh->n; i++) {
		for (size_t j = 0; j < kh->files[i].nrevoked; j++) {
			if (strcmp(kh->files[i].revoked[j], b64) == 0) {
				*where = kh->files[i].path;
				st = SIPHON_KH_REVOKED;
				goto out;
			}
		}
	}
	for (size_t i = 0; i < kh->n; i++) {
		one = file_check(&kh->files[i], hostspec, bits, b64);
		if (one == SIPHON_KH_MATCH || one == SIPHON_KH_FAILURE) {
			*where = kh->files[i].path;
			st = one;
			goto out;
		}
		if (one == SIPHON_KH_MISMATCH && st == SIPHON_KH_NOTFOUND) {
			*where = kh->files[i].path;
			st = one;
		}
	}
out:
	free(b64);
	return st;
}

enum siphon_knownhosts_status
siphon_knownhosts_check(struct siphon_knownhosts *kh, const char *hostspec,
                        int type, const unsigned char *key, size_t len)
{
	const char *where;

	return check_where(kh, hostspec, type, key, len, &where);
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

/* "ssh [-p PORT] NAME", the command that records the key the user's way. */
static void
ssh_command(char *buf, size_t cap, const struct siphon_hostkey_check *c)
{
	const char *name = c->alias != NULL ? c->alias : c->host;

	if (c->port == 0 || c->port == 22)
		snprintf(buf, cap, "ssh %s", name);
	else
		snprintf(buf, cap, "ssh -p %d %s", c->port, name);
}

/* Refuses an unknown key, saying how to accept it. */
static int
refuse_unknown(struct siphon_knownhosts *kh, struct siphon_ctx *ctx,
               const struct siphon_hostkey_check *c, const char *label,
               const char *name, const char *fp, unsigned types,
               const char *why)
{
	char others[128], sshcmd[SIPHON_HOSTSPEC_MAX + 32];
	const char *file = kh->n > 0 ? kh->files[0].path : "no known_hosts file";

	ssh_command(sshcmd, sizeof(sshcmd), c);
	/*
	 * When the files know the host under other key types, the server
	 * offered none of them that libssh2 1.10 can use (OpenSSH 8.8+ no
	 * longer offers RSA keys as ssh-rsa): say so, since the user may well
	 * have verified this host before.
	 */
	other_types(others, sizeof(others), types);
	if (types != 0)
		return siphon_err(ctx, SIPHON_EHOSTKEY, "unknown host key for %s: "
		                  "%s %s (%s; the known_hosts files have only %s "
		                  "keys for this host, which this connection could "
		                  "not use); verify it and run again with "
		                  "--accept-new-host-key, or %s once", label, name,
		                  fp, why, others, sshcmd);
	return siphon_err(ctx, SIPHON_EHOSTKEY, "unknown host key for %s: %s %s "
	                  "(not in %s%s; %s); verify it and run again with "
	                  "--accept-new-host-key, or %s once", label, name, fp,
	                  file, kh->n > 1 ? " or the other known_hosts files" : "",
	                  why, sshcmd);
}

/* StrictHostKeyChecking ask: 1 when the user says yes on the terminal. */
static int
ask_user(struct siphon_ctx *ctx, const char *label, const char *name,
         const char *fp, const char *file)
{
	static const char *const choices[] = { "yes", "no" };
	char q[SIPHON_HOSTSPEC_MAX * 2 + PATH_MAX + 256];

	if (ctx->choose_fn == NULL)
		return 0;
	/* The callback adds the choices: "... [yes/no] ". */
	snprintf(q, sizeof(q), "the authenticity of host %s cannot be "
	         "established: its %s key fingerprint is %s. Trust it and record "
	         "it in %s?", label, name, fp,
	         file != NULL ? file : "no file (this connection only)");
	return ctx->choose_fn(ctx->choose_arg, q, choices, 2) == 0;
}

/* The known_hosts line for a new key, hashed when asked. */
static char *
new_line(struct siphon_ctx *ctx, const char *spec, int hash, int type,
         const unsigned char *key, size_t len)
{
	unsigned char salt[HASH_SALT_LEN];
	char hashed[SIPHON_HASHED_HOST_MAX];

	if (!hash)
		return siphon_knownhosts_line(spec, type, key, len);
	if (siphon_random_bytes(salt, sizeof(salt)) != 0 ||
	    siphon_knownhosts_hashed_name(hashed, sizeof(hashed), spec,
	                                  salt) != 0) {
		siphon_log(ctx, SIPHON_LOG_WARN, "cannot hash the host name %s; "
		           "recording it in clear", spec);
		return siphon_knownhosts_line(spec, type, key, len);
	}
	return siphon_knownhosts_line(hashed, type, key, len);
}

/* Records an accepted key in the first user file. */
static int
record(struct siphon_knownhosts *kh, struct siphon_ctx *ctx,
       const struct siphon_hostkey_check *c, const char *spec,
       const char *label, const char *name, const char *fp, int type,
       const unsigned char *key, size_t len)
{
	const char *path = siphon_knownhosts_first_path(kh), *what;
	const char *loud = c->policy == SIPHON_HOSTKEY_NO ?
	                   " (StrictHostKeyChecking no)" : "";
	char *line;
	int r;

	if (path == NULL) {
		siphon_log(ctx, SIPHON_LOG_WARN, "accepted the unknown host key of "
		           "%s (%s %s) for this connection only: no user "
		           "known_hosts file%s", label, name, fp, loud);
		return 0;
	}
	if ((line = new_line(ctx, spec, c->hash, type, key, len)) == NULL)
		return siphon_err_oom(ctx);
	r = append_line(path, line, &what);
	free(line);
	if (r < 0) {
		siphon_log(ctx, SIPHON_LOG_WARN, "%s %s: %s (the new key of %s is "
		           "accepted for this connection only)", what, path,
		           strerror(errno), label);
		return 0;
	}
	siphon_log(ctx, SIPHON_LOG_WARN, "added %s %s %s to known_hosts (%s)%s%s",
	           label, name, fp, path, c->hash ? ", hashed" : "", loud);
	return 0;
}

int
siphon_knownhosts_verify(struct siphon_knownhosts *kh, struct siphon_ctx *ctx,
                         LIBSSH2_SESSION *s, const struct siphon_hostkey_check *c)
{
	char spec[SIPHON_HOSTSPEC_MAX], fp[SIPHON_FINGERPRINT_MAX];
	const unsigned char *key;
	const char *name, *where, *label;
	size_t len = 0;
	unsigned types;
	int type = LIBSSH2_HOSTKEY_TYPE_UNKNOWN;

	if (siphon_knownhosts_hostspec(spec, sizeof(spec), c->host, c->port) != 0)
		return siphon_err(ctx, SIPHON_EUSAGE, "host name too long: %s",
		                  c->host);
	label = c->label != NULL ? c->label : spec;
	key = (const unsigned char *)libssh2_session_hostkey(s, &len, &type);
	if (key == NULL || len == 0)
		return siphon_err(ctx, SIPHON_EINTERNAL, "no host key from %s after "
		                  "the handshake", label);
	if ((name = siphon_knownhosts_type_name(type)) == NULL)
		return siphon_err(ctx, SIPHON_EHOSTKEY, "host key of %s has a type "
		                  "siphon does not know (%d)", label, type);
	if (siphon_knownhosts_fingerprint(fp, sizeof(fp), key, len) != 0)
		return siphon_err(ctx, SIPHON_EINTERNAL, "cannot hash the host key "
		                  "of %s", label);

	switch (check_where(kh, spec, type, key, len, &where)) {
	case SIPHON_KH_MATCH:
		siphon_log(ctx, SIPHON_LOG_DEBUG, "host key for %s found in %s (%s "
		           "%s)", spec, where, name, fp);
		return 0;
	case SIPHON_KH_REVOKED:
		return siphon_err(ctx, SIPHON_EHOSTKEY, "host key for %s (%s %s) is "
		                  "marked @revoked in %s; refusing to connect", label,
		                  name, fp, where);
	case SIPHON_KH_MISMATCH:
		return siphon_err(ctx, SIPHON_EHOSTKEY, "host key for %s has CHANGED "
		                  "(%s %s); this could be an attack. If the server "
		                  "was legitimately reinstalled, remove the old key: "
		                  "ssh-keygen -R '%s' -f %s", label, name, fp, spec,
		                  where);
	case SIPHON_KH_NOTFOUND:
		break;
	default:
		return siphon_err(ctx, SIPHON_ENOMEM, "cannot check the host key of "
		                  "%s: out of memory", label);
	}

	types = siphon_knownhosts_types(kh, spec);
	switch (c->policy) {
	case SIPHON_HOSTKEY_YES:
		return refuse_unknown(kh, ctx, c, label, name, fp, types,
		                      "StrictHostKeyChecking yes");
	case SIPHON_HOSTKEY_ASK:
		if (!ask_user(ctx, label, name, fp,
		              siphon_knownhosts_first_path(kh)))
			return refuse_unknown(kh, ctx, c, label, name, fp, types,
			                      ctx->choose_fn != NULL ? "not accepted" :
			                      "no one is there to accept it: no terminal, or --unattended");
		break;
	case SIPHON_HOSTKEY_ACCEPT_NEW:
	case SIPHON_HOSTKEY_NO:
		break;
	}
	return record(kh, ctx, c, spec, label, name, fp, type, key, len);
}
