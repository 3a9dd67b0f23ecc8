/*
 * fuzz_knownhosts.c - known_hosts files (siphon_knownhosts_load and the
 * checks on what it read: siphon_knownhosts_types, _check).
 *
 * Input: a byte for the key's length, that many key bytes, a byte choosing
 * the key type and the host name, then the rest of the file.  The file
 * given to the loader is the line siphon itself would write for that key
 * (siphon_knownhosts_line, as accept-new appends it) followed by the rest.
 * Properties: loading never fails on content; the key siphon wrote is
 * found again (MATCH), unless a line of the rest revokes it (REVOKED);
 * the type set for the host includes its type.  The same holds for the
 * hashed line (HashKnownHosts, salted with the key's first bytes) in a
 * file of its own, read as a set with the rest as the global file.
 */
#include "fuzz.h"

#include "ssh/knownhosts.h"
#include "util/ctx.h"

#include <sys/mman.h>
#include <unistd.h>

static const char *const hosts[] = {
	"prod.example.com", "[10.0.0.7]:2222", "db", "[::1]:22022",
};
static const int types[] = {
	LIBSSH2_HOSTKEY_TYPE_ED25519, LIBSSH2_HOSTKEY_TYPE_ECDSA_256,
	LIBSSH2_HOSTKEY_TYPE_RSA, LIBSSH2_HOSTKEY_TYPE_ECDSA_521,
};

/* One libssh2 session for every run: knownhost lists only borrow it. */
static LIBSSH2_SESSION *
session(void)
{
	static LIBSSH2_SESSION *s;

	if (s == NULL && libssh2_init(0) == 0)
		s = libssh2_session_init();
	return s;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_in in = {data, size};
	/* Host key blobs are 51 bytes (ed25519) or more; libssh2 refuses tiny ones. */
	size_t keylen = fuzz_byte(&in) % 96 + 32;
	const uint8_t *key;
	unsigned pick;
	const char *host;
	int type, fd = -1, hfd = -1;
	struct siphon_ctx *ctx = NULL;
	struct siphon_knownhosts *kh = NULL;
	enum siphon_knownhosts_status st;
	char *line = NULL, *hline = NULL, path[64], hpath[64];
	char hashed[SIPHON_HASHED_HOST_MAX];
	const char *user[1], *global[1];
	LIBSSH2_SESSION *s = session();

	if (s == NULL || in.left < keylen + 1)
		return 0;
	key = in.p;
	in.p += keylen;
	in.left -= keylen;
	pick = fuzz_byte(&in);
	host = hosts[pick % 4];
	type = types[(pick / 4) % 4];
	if ((line = siphon_knownhosts_line(host, type, key, keylen)) == NULL)
		return 0;
	if ((fd = memfd_create("known_hosts", 0)) < 0)
		goto out;
	if (write(fd, line, strlen(line)) != (ssize_t)strlen(line) ||
	    (in.left > 0 && write(fd, in.p, in.left) != (ssize_t)in.left))
		goto out;
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	if (siphon_ctx_new(&ctx) != 0)
		goto out;
	FUZZ_CHECK(siphon_knownhosts_load(&kh, ctx, s, path) == 0);
	st = siphon_knownhosts_check(kh, host, type, key, keylen);
	/* Short names too (fuzz/findings/fuzz_knownhosts/two_letter_host_not_found, fixed). */
	FUZZ_CHECK(st == SIPHON_KH_MATCH || st == SIPHON_KH_REVOKED);
	FUZZ_CHECK(siphon_knownhosts_types(kh, host) & (1u << type));
	/* Other names and keys: whatever the file says, no crash. */
	siphon_knownhosts_types(kh, "other.example");
	siphon_knownhosts_check(kh, "[prod.example.com]:2222", LIBSSH2_HOSTKEY_TYPE_ED25519,
	                        (const unsigned char *)"\0\0\0\x0bssh-ed25519", 15);

	siphon_knownhosts_free(kh);
	kh = NULL;
	if (siphon_knownhosts_hashed_name(hashed, sizeof(hashed), host, key) != 0 ||
	    (hline = siphon_knownhosts_line(hashed, type, key, keylen)) == NULL ||
	    (hfd = memfd_create("known_hosts_hashed", 0)) < 0 ||
	    write(hfd, hline, strlen(hline)) != (ssize_t)strlen(hline))
		goto out;
	snprintf(hpath, sizeof(hpath), "/proc/self/fd/%d", hfd);
	/* The rest alone as the global file: from its start, past siphon's line. */
	if (ftruncate(fd, 0) != 0 || lseek(fd, 0, SEEK_SET) != 0 ||
	    (in.left > 0 && write(fd, in.p, in.left) != (ssize_t)in.left))
		goto out;
	user[0] = hpath;
	global[0] = path;
	FUZZ_CHECK(siphon_knownhosts_load_files(&kh, ctx, s, user, 1, global, 1) == 0);
	st = siphon_knownhosts_check(kh, host, type, key, keylen);
	FUZZ_CHECK(st == SIPHON_KH_MATCH || st == SIPHON_KH_REVOKED);
	FUZZ_CHECK(siphon_knownhosts_types(kh, host) & (1u << type));
out:
	siphon_knownhosts_free(kh);
	if (hfd >= 0)
		close(hfd);
	free(hline);
	siphon_ctx_free(ctx);
	if (fd >= 0)
		close(fd);
	free(line);
	return 0;
}
