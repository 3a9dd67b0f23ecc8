/*
 * knownhosts.h - OpenSSH known_hosts files: which key types are known for a
 * host, whether the server's key is known, changed or revoked, and adding a
 * new key (accept-new).
 *
 * libssh2 1.10 parses the host lines (plain, comma lists, "[host]:port" and
 * hashed "|1|" names); this module reads the file line by line so that one
 * line libssh2 cannot parse does not hide the rest, handles the @revoked and
 * @cert-authority markers itself, and appends new keys as one line instead
 * of rewriting the file, so lines libssh2 does not understand survive.
 *
 * Key types are libssh2's LIBSSH2_HOSTKEY_TYPE_* numbers; a set of them is
 * a bit mask of (1u << type).
 */
#ifndef SIPHON_SSH_KNOWNHOSTS_H
#define SIPHON_SSH_KNOWNHOSTS_H

#include "util/ctx.h"

#include <libssh2.h>
#include <stddef.h>

/* "SHA256:" + 43 characters of unpadded base64 + NUL. */
#define SIPHON_FINGERPRINT_MAX 51
/* Host names are at most 255 bytes; "[" "]:" and a port add 8. */
#define SIPHON_HOSTSPEC_MAX 272

enum siphon_knownhosts_status {
	SIPHON_KH_MATCH = 0,
	SIPHON_KH_MISMATCH,   /* the host has a different key of this type */
	SIPHON_KH_NOTFOUND,   /* no key of this type for the host */
	SIPHON_KH_REVOKED,    /* the key is on a @revoked line */
	SIPHON_KH_FAILURE,    /* libssh2 could not check (out of memory) */
};

/* The entries of one known_hosts file; borrows the session it was read with. */
struct siphon_knownhosts;

/*
 * Reads path (a missing file reads as empty).  Lines libssh2 cannot parse,
 * @cert-authority lines and other markers are skipped (logged at DEBUG);
 * @revoked lines are kept aside: their keys are refused for every host,
 * whatever the line's host patterns, because libssh2 cannot match the
 * wildcards such lines usually carry.  Errors: SIPHON_EHOSTKEY when the file
 * exists but cannot be read, SIPHON_ENOMEM.
 */
int siphon_knownhosts_load(struct siphon_knownhosts **out,
                           struct siphon_ctx *ctx, LIBSSH2_SESSION *s,
                           const char *path);
void siphon_knownhosts_free(struct siphon_knownhosts *kh);

/* The set of key types the file holds for hostspec (see _hostspec). */
unsigned siphon_knownhosts_types(struct siphon_knownhosts *kh,
                                 const char *hostspec);

/* Checks a raw host key blob of the given type against the file. */
enum siphon_knownhosts_status siphon_knownhosts_check(
	struct siphon_knownhosts *kh, const char *hostspec, int type,
	const unsigned char *key, size_t len);

/*
 * Verifies the host key that session s received in its handshake with
 * host:port, as OpenSSH would.  Known: 0.  Changed, revoked, or unknown
 * without accept_new: SIPHON_EHOSTKEY with a message that says what to do.
 * Unknown with accept_new: appends the key to the file, logs a warning and
 * returns 0 (a failure to write is a warning too: the user accepted the key
 * for this connection either way).
 */
int siphon_knownhosts_verify(struct siphon_knownhosts *kh,
                             struct siphon_ctx *ctx, LIBSSH2_SESSION *s,
                             const char *host, int port, int accept_new);

/*
 * Appends "hostspec type-name base64-key" as a line to path, creating the
 * file (0600) and its directory (0700) when missing, after a newline when
 * the file does not end in one.  SIPHON_EHOSTKEY on failure.
 */
int siphon_knownhosts_add(struct siphon_ctx *ctx, const char *path,
                          const char *hostspec, int type,
                          const unsigned char *key, size_t len);

/* Pure helpers. */

/*
 * The name OpenSSH files a host under: the host in lower case for port 22
 * (or 0), "[host]:port" otherwise.  Returns 0, or -1 when it does not fit.
 */
int siphon_knownhosts_hostspec(char *buf, size_t cap, const char *host,
                               int port);

/* "ssh-ed25519", "ecdsa-sha2-nistp256", ...; NULL for an unknown type. */
const char *siphon_knownhosts_type_name(int type);

/* The LIBSSH2_KNOWNHOST_KEY_* bits of a type; 0 for an unknown type. */
int siphon_knownhosts_type_bits(int type);

/*
 * The LIBSSH2_METHOD_HOSTKEY preference list: the types in the set first,
 * then the others, each group in siphon's order of preference (ed25519,
 * ECDSA, RSA, DSA).  Returns 0, or -1 when it does not fit.
 */
int siphon_knownhosts_hostkey_prefs(char *buf, size_t cap, unsigned types);

/*
 * "SHA256:" and the unpadded base64 of the SHA-256 of the key blob, as
 * ssh-keygen -l prints it.  Returns 0, or -1 when it does not fit or
 * hashing fails.
 */
int siphon_knownhosts_fingerprint(char *buf, size_t cap,
                                  const unsigned char *key, size_t len);

/*
 * The known_hosts line for a key, newline included, in a buffer the caller
 * frees; NULL when out of memory or the type is unknown.
 */
char *siphon_knownhosts_line(const char *hostspec, int type,
                             const unsigned char *key, size_t len);

#endif
