/*
 * test_knownhosts.c - known_hosts parsing and checking (lib/ssh/knownhosts).
 *
 * The keys below are public halves of throwaway keys; the hashed lines were
 * written by OpenSSH's ssh-keygen -H, so the checks also prove that libssh2
 * matches OpenSSH's hashing of "[host]:port" names.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include "ssh/knownhosts.h"
#include "util/ctx.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* ssh-keygen -lf: SHA256:RXcZ2FtK1HcJCZkK8xFW5qlZNIpt3VOEGgJPhQg4t7c */
#define ED_A "AAAAC3NzaC1lZDI1NTE5AAAAIOw4Pmwxo4VcwbKY0DGx9MimNkTXMgWDGa7Xt2I8pgNf"
#define ED_A_FP "SHA256:RXcZ2FtK1HcJCZkK8xFW5qlZNIpt3VOEGgJPhQg4t7c"
/* SHA256:7K7eBbjNd/dH8FmDPW+GjBSDFp2zfFUfU/VbwPz/H68 */
#define ED_B "AAAAC3NzaC1lZDI1NTE5AAAAIHSmLfbZKj99DATHTSHgz0F8caqhCAaYrbDGa43n9qMI"
#define ED_B_FP "SHA256:7K7eBbjNd/dH8FmDPW+GjBSDFp2zfFUfU/VbwPz/H68"
/* SHA256:jnWXIlPmj1icxNQwXloGFrphkiOjPLoSLZw46w0xOB8 */
#define EC_A "AAAAE2VjZHNhLXNoYTItbmlzdHAyNTYAAAAIbmlzdHAyNTYAAABBBHWlwHu+nmma8rt" \
             "ZiJBXfPeVyd7fg0pouVDw2brXBZiOWiwzC2P0zwxUZT0kFnpRJzh9mytjeapp+yU" \
             "LPPFc5No="
/* Not a real RSA key: libssh2 only compares the text. */
#define RSA_FAKE "AAAAB3NzaC1yc2EAAAADAQABAAAAQQDfakefakefakefakefakefakefakefake" \
                 "fakefakefakefakefakefakefakefakefakefakefakefakefakeQ=="

/* ssh-keygen -H of "hashed.example ecdsa-sha2-nistp256 EC_A". */
#define HASHED_EC "|1|k8KOGO7kWt+GkyyMCKzaEOckpuU=|yT8T7vGMn6slRk9VSn2uTduUQz0= " \
                  "ecdsa-sha2-nistp256 " EC_A
/* ssh-keygen -H of "[hashed.example]:2222 ssh-ed25519 ED_B". */
#define HASHED_ED_PORT "|1|j24UPJXVvYKHcfPQvsrtq9hNsD8=|MOEoEiKl7/Z2SgUNz69JOcNYALg= " \
                       "ssh-ed25519 " ED_B

#define T(type) (1u << (type))

struct fixture {
	struct siphon_ctx *ctx;
	LIBSSH2_SESSION *session;
	char dir[64];
	char path[128];
};

static int
setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	assert_int_equal(siphon_ctx_new(&f->ctx), 0);
	assert_int_equal(libssh2_init(0), 0);
	f->session = libssh2_session_init();
	assert_non_null(f->session);
	snprintf(f->dir, sizeof(f->dir), "/tmp/test_knownhosts.XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	snprintf(f->path, sizeof(f->path), "%s/known_hosts", f->dir);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;
	char cmd[256];

	libssh2_session_free(f->session);
	libssh2_exit();
	siphon_ctx_free(f->ctx);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", f->dir);
	assert_int_equal(system(cmd), 0);
	free(f);
	return 0;
}

/* Decodes a base64 key into buf; returns its length. */
static size_t
blob(unsigned char *buf, size_t cap, const char *b64)
{
	size_t len = strlen(b64);
	int n;

	assert_true(len / 4 * 3 <= cap);
	n = EVP_DecodeBlock(buf, (const unsigned char *)b64, (int)len);
	assert_true(n > 0);
	while (len > 0 && b64[--len] == '=')
		n--;
	return (size_t)n;
}

static void
write_file(const char *path, const char *text)
{
	FILE *fp = fopen(path, "w");

	assert_non_null(fp);
	assert_int_equal(fputs(text, fp) >= 0, 1);
	assert_int_equal(fclose(fp), 0);
}

static char *
read_file(const char *path)
{
	static char buf[8192];
	FILE *fp = fopen(path, "r");
	size_t n;

	assert_non_null(fp);
	n = fread(buf, 1, sizeof(buf) - 1, fp);
	buf[n] = '\0';
	fclose(fp);
	return buf;
}

static struct siphon_knownhosts *
load(struct fixture *f, const char *text)
{
	struct siphon_knownhosts *kh = NULL;

	write_file(f->path, text);
	assert_int_equal(siphon_knownhosts_load(&kh, f->ctx, f->session,
	                                        f->path), 0);
	assert_non_null(kh);
	return kh;
}

/* A hashed name as ssh-keygen -H writes it, with a fixed salt. */
static void
hashed_name(char *buf, size_t cap, const char *host)
{
	unsigned char salt[20], mac[20];
	unsigned char salt64[32], mac64[32];
	unsigned int maclen = 0;

	for (size_t i = 0; i < sizeof(salt); i++)
		salt[i] = (unsigned char)(i * 7 + 1);
	assert_non_null(HMAC(EVP_sha1(), salt, sizeof(salt),
	                     (const unsigned char *)host, strlen(host), mac,
	                     &maclen));
	assert_int_equal(maclen, 20);
	EVP_EncodeBlock(salt64, salt, sizeof(salt));
	EVP_EncodeBlock(mac64, mac, sizeof(mac));
	snprintf(buf, cap, "|1|%s|%s", (const char *)salt64,
	         (const char *)mac64);
}

static void
test_knownhosts_hostspec_plain_for_port_22(void **state)
{
	char buf[SIPHON_HOSTSPEC_MAX];

	(void)state;
	assert_int_equal(siphon_knownhosts_hostspec(buf, sizeof(buf),
	                                            "db.example", 22), 0);
	assert_string_equal(buf, "db.example");
	assert_int_equal(siphon_knownhosts_hostspec(buf, sizeof(buf),
	                                            "db.example", 0), 0);
	assert_string_equal(buf, "db.example");
	assert_int_equal(siphon_knownhosts_hostspec(buf, sizeof(buf), "::1",
	                                            22), 0);
	assert_string_equal(buf, "::1");
}

static void
test_knownhosts_hostspec_brackets_other_ports(void **state)
{
	char buf[SIPHON_HOSTSPEC_MAX];

	(void)state;
	assert_int_equal(siphon_knownhosts_hostspec(buf, sizeof(buf),
	                                            "db.example", 2222), 0);
	assert_string_equal(buf, "[db.example]:2222");
	assert_int_equal(siphon_knownhosts_hostspec(buf, sizeof(buf), "::1",
	                                            2222), 0);
	assert_string_equal(buf, "[::1]:2222");
}

static void
test_knownhosts_hostspec_lowercases(void **state)
{
	char buf[SIPHON_HOSTSPEC_MAX];

	(void)state;
	assert_int_equal(siphon_knownhosts_hostspec(buf, sizeof(buf),
	                                            "DB.Example.COM", 2222), 0);
	assert_string_equal(buf, "[db.example.com]:2222");
}

static void
test_knownhosts_hostspec_too_long(void **state)
{
	char buf[16];

	(void)state;
	assert_int_equal(siphon_knownhosts_hostspec(buf, sizeof(buf),
	                                            "a-very-long-host.example",
	                                            22), -1);
	assert_int_equal(siphon_knownhosts_hostspec(buf, sizeof(buf),
	                                            "db.example", 65535), -1);
}

static void
test_knownhosts_type_names(void **state)
{
	(void)state;
	assert_string_equal(siphon_knownhosts_type_name(
		LIBSSH2_HOSTKEY_TYPE_ED25519), "ssh-ed25519");
	assert_string_equal(siphon_knownhosts_type_name(
		LIBSSH2_HOSTKEY_TYPE_ECDSA_256), "ecdsa-sha2-nistp256");
	assert_string_equal(siphon_knownhosts_type_name(
		LIBSSH2_HOSTKEY_TYPE_ECDSA_384), "ecdsa-sha2-nistp384");
	assert_string_equal(siphon_knownhosts_type_name(
		LIBSSH2_HOSTKEY_TYPE_ECDSA_521), "ecdsa-sha2-nistp521");
	assert_string_equal(siphon_knownhosts_type_name(
		LIBSSH2_HOSTKEY_TYPE_RSA), "ssh-rsa");
	assert_string_equal(siphon_knownhosts_type_name(
		LIBSSH2_HOSTKEY_TYPE_DSS), "ssh-dss");
	assert_null(siphon_knownhosts_type_name(LIBSSH2_HOSTKEY_TYPE_UNKNOWN));
	assert_null(siphon_knownhosts_type_name(99));
}

static void
test_knownhosts_type_bits(void **state)
{
	(void)state;
	assert_int_equal(siphon_knownhosts_type_bits(
		LIBSSH2_HOSTKEY_TYPE_ED25519), LIBSSH2_KNOWNHOST_KEY_ED25519);
	assert_int_equal(siphon_knownhosts_type_bits(
		LIBSSH2_HOSTKEY_TYPE_ECDSA_521), LIBSSH2_KNOWNHOST_KEY_ECDSA_521);
	assert_int_equal(siphon_knownhosts_type_bits(
		LIBSSH2_HOSTKEY_TYPE_RSA), LIBSSH2_KNOWNHOST_KEY_SSHRSA);
	assert_int_equal(siphon_knownhosts_type_bits(
		LIBSSH2_HOSTKEY_TYPE_UNKNOWN), 0);
}

static void
test_knownhosts_hostkey_prefs_known_types_first(void **state)
{
	char buf[256];

	(void)state;
	assert_int_equal(siphon_knownhosts_hostkey_prefs(buf, sizeof(buf), 0),
	                 0);
	assert_string_equal(buf, "ssh-ed25519,ecdsa-sha2-nistp256,"
	                    "ecdsa-sha2-nistp384,ecdsa-sha2-nistp521,ssh-rsa,"
	                    "ssh-dss");
	assert_int_equal(siphon_knownhosts_hostkey_prefs(buf, sizeof(buf),
		T(LIBSSH2_HOSTKEY_TYPE_ECDSA_256)), 0);
	assert_string_equal(buf, "ecdsa-sha2-nistp256,ssh-ed25519,"
	                    "ecdsa-sha2-nistp384,ecdsa-sha2-nistp521,ssh-rsa,"
	                    "ssh-dss");
	assert_int_equal(siphon_knownhosts_hostkey_prefs(buf, sizeof(buf),
		T(LIBSSH2_HOSTKEY_TYPE_RSA) | T(LIBSSH2_HOSTKEY_TYPE_ED25519)), 0);
	assert_string_equal(buf, "ssh-ed25519,ssh-rsa,ecdsa-sha2-nistp256,"
	                    "ecdsa-sha2-nistp384,ecdsa-sha2-nistp521,ssh-dss");
}

static void
test_knownhosts_hostkey_prefs_too_small(void **state)
{
	char buf[20];

	(void)state;
	assert_int_equal(siphon_knownhosts_hostkey_prefs(buf, sizeof(buf), 0),
	                 -1);
	assert_int_equal(siphon_knownhosts_hostkey_prefs(buf, 0, 0), -1);
}

static void
test_knownhosts_fingerprint_as_ssh_keygen(void **state)
{
	unsigned char key[128];
	char fp[SIPHON_FINGERPRINT_MAX];
	size_t len;

	(void)state;
	len = blob(key, sizeof(key), ED_A);
	assert_int_equal(siphon_knownhosts_fingerprint(fp, sizeof(fp), key,
	                                               len), 0);
	assert_string_equal(fp, ED_A_FP);
	len = blob(key, sizeof(key), ED_B);
	assert_int_equal(siphon_knownhosts_fingerprint(fp, sizeof(fp), key,
	                                               len), 0);
	assert_string_equal(fp, ED_B_FP);
	/* No base64 padding, exactly the size the header promises. */
	assert_int_equal(strlen(fp) + 1, SIPHON_FINGERPRINT_MAX);
	assert_null(strchr(fp, '='));
}

static void
test_knownhosts_fingerprint_small_buffer(void **state)
{
	unsigned char key[128];
	char fp[SIPHON_FINGERPRINT_MAX - 1];
	size_t len;

	(void)state;
	len = blob(key, sizeof(key), ED_A);
	assert_int_equal(siphon_knownhosts_fingerprint(fp, sizeof(fp), key,
	                                               len), -1);
}

static void
test_knownhosts_line_format(void **state)
{
	unsigned char key[128];
	size_t len;
	char *line;

	(void)state;
	len = blob(key, sizeof(key), ED_A);
	line = siphon_knownhosts_line("[db.example]:2222",
	                              LIBSSH2_HOSTKEY_TYPE_ED25519, key, len);
	assert_non_null(line);
	assert_string_equal(line, "[db.example]:2222 ssh-ed25519 " ED_A "\n");
	free(line);
	assert_null(siphon_knownhosts_line("h", LIBSSH2_HOSTKEY_TYPE_UNKNOWN,
	                                   key, len));
}

/* The mixed file: what each host is known by. */
static void
test_knownhosts_types_of_mixed_file(void **state)
{
	struct fixture *f = *state;
	struct siphon_knownhosts *kh;
	char name[128], text[4096];

	hashed_name(name, sizeof(name), "computed.example");
	snprintf(text, sizeof(text),
	         "# a comment\n"
	         "\n"
	         "plain.example ssh-ed25519 " ED_A " comment words\n"
	         "   indented.example\tssh-ed25519 " ED_A "\n"
	         "one.example,two.example ecdsa-sha2-nistp256 " EC_A "\n"
	         "[port.example]:2222 ssh-rsa " RSA_FAKE "\n"
	         HASHED_EC "\n"
	         HASHED_ED_PORT "\n"
	         "%s ssh-ed25519 " ED_B "\n"
	         "crlf.example ssh-ed25519 " ED_A "\r\n"
	         "garbage without a key\n"
	         "|1|not-base64|x ssh-ed25519 " ED_A "\n"
	         "unknowntype.example ssh-foo " ED_A "\n"
	         "short.example ssh-ed25519 AAAA\n"
	         "@revoked revoked.example ssh-ed25519 " ED_B "\n"
	         "@cert-authority *.example ssh-ed25519 " ED_A "\n"
	         "@future-marker future.example ssh-ed25519 " ED_A "\n"
	         "last.example ssh-ed25519 " ED_A, name);
	kh = load(f, text);
	assert_int_equal(siphon_knownhosts_types(kh, "plain.example"),
	                 T(LIBSSH2_HOSTKEY_TYPE_ED25519));
	assert_int_equal(siphon_knownhosts_types(kh, "indented.example"),
	                 T(LIBSSH2_HOSTKEY_TYPE_ED25519));
	assert_int_equal(siphon_knownhosts_types(kh, "one.example"),
	                 T(LIBSSH2_HOSTKEY_TYPE_ECDSA_256));
	assert_int_equal(siphon_knownhosts_types(kh, "two.example"),
	                 T(LIBSSH2_HOSTKEY_TYPE_ECDSA_256));
	assert_int_equal(siphon_knownhosts_types(kh, "[port.example]:2222"),
	                 T(LIBSSH2_HOSTKEY_TYPE_RSA));
	/* A "[host]:port" entry is not an entry for port 22, nor the reverse. */
	assert_int_equal(siphon_knownhosts_types(kh, "port.example"), 0);
	assert_int_equal(siphon_knownhosts_types(kh, "[plain.example]:2222"),
	                 0);
	assert_int_equal(siphon_knownhosts_types(kh, "hashed.example"),
	                 T(LIBSSH2_HOSTKEY_TYPE_ECDSA_256));
	assert_int_equal(siphon_knownhosts_types(kh, "[hashed.example]:2222"),
	                 T(LIBSSH2_HOSTKEY_TYPE_ED25519));
	assert_int_equal(siphon_knownhosts_types(kh, "computed.example"),
	                 T(LIBSSH2_HOSTKEY_TYPE_ED25519));
	assert_int_equal(siphon_knownhosts_types(kh, "crlf.example"),
	                 T(LIBSSH2_HOSTKEY_TYPE_ED25519));
	/* Lines after the bad ones still count. */
	assert_int_equal(siphon_knownhosts_types(kh, "last.example"),
	                 T(LIBSSH2_HOSTKEY_TYPE_ED25519));
	/* Skipped lines give nothing, and markers are not host names. */
	assert_int_equal(siphon_knownhosts_types(kh, "garbage"), 0);
	assert_int_equal(siphon_knownhosts_types(kh, "unknowntype.example"), 0);
	assert_int_equal(siphon_knownhosts_types(kh, "short.example"), 0);
	assert_int_equal(siphon_knownhosts_types(kh, "revoked.example"), 0);
	assert_int_equal(siphon_knownhosts_types(kh, "@revoked"), 0);
	assert_int_equal(siphon_knownhosts_types(kh, "@cert-authority"), 0);
	assert_int_equal(siphon_knownhosts_types(kh, "*.example"), 0);
	assert_int_equal(siphon_knownhosts_types(kh, "nowhere.example"), 0);
	siphon_knownhosts_free(kh);
	assert_int_equal(siphon_ctx_errcode(f->ctx), 0);
}

static void
test_knownhosts_several_types_for_one_host(void **state)
{
	struct fixture *f = *state;
	struct siphon_knownhosts *kh;

	kh = load(f, "multi.example ssh-ed25519 " ED_A "\n"
	             "multi.example ecdsa-sha2-nistp256 " EC_A "\n"
	             "multi.example ssh-rsa " RSA_FAKE "\n");
	assert_int_equal(siphon_knownhosts_types(kh, "multi.example"),
	                 T(LIBSSH2_HOSTKEY_TYPE_ED25519) |
	                 T(LIBSSH2_HOSTKEY_TYPE_ECDSA_256) |
	                 T(LIBSSH2_HOSTKEY_TYPE_RSA));
	siphon_knownhosts_free(kh);
}

static void
test_knownhosts_check_match_mismatch_notfound(void **state)
{
	struct fixture *f = *state;
	struct siphon_knownhosts *kh;
	unsigned char a[128], b[128], ec[256];
	size_t alen, blen, eclen;

	alen = blob(a, sizeof(a), ED_A);
	blen = blob(b, sizeof(b), ED_B);
	eclen = blob(ec, sizeof(ec), EC_A);
	kh = load(f, "db.example ssh-ed25519 " ED_A "\n"
	             HASHED_EC "\n"
	             HASHED_ED_PORT "\n");
	assert_int_equal(siphon_knownhosts_check(kh, "db.example",
		LIBSSH2_HOSTKEY_TYPE_ED25519, a, alen), SIPHON_KH_MATCH);
	assert_int_equal(siphon_knownhosts_check(kh, "db.example",
		LIBSSH2_HOSTKEY_TYPE_ED25519, b, blen), SIPHON_KH_MISMATCH);
	/* Another type than the file knows is unknown, not changed. */
	assert_int_equal(siphon_knownhosts_check(kh, "db.example",
		LIBSSH2_HOSTKEY_TYPE_ECDSA_256, ec, eclen), SIPHON_KH_NOTFOUND);
	assert_int_equal(siphon_knownhosts_check(kh, "other.example",
		LIBSSH2_HOSTKEY_TYPE_ED25519, a, alen), SIPHON_KH_NOTFOUND);
	/* Hashed entries, with and without a port. */
	assert_int_equal(siphon_knownhosts_check(kh, "hashed.example",
		LIBSSH2_HOSTKEY_TYPE_ECDSA_256, ec, eclen), SIPHON_KH_MATCH);
	assert_int_equal(siphon_knownhosts_check(kh, "[hashed.example]:2222",
		LIBSSH2_HOSTKEY_TYPE_ED25519, b, blen), SIPHON_KH_MATCH);
	assert_int_equal(siphon_knownhosts_check(kh, "[hashed.example]:2222",
		LIBSSH2_HOSTKEY_TYPE_ED25519, a, alen), SIPHON_KH_MISMATCH);
	siphon_knownhosts_free(kh);
}

/* The HMAC-SHA1 of OpenSSH's hashed names (vectors from Python's hmac). */
static void
test_knownhosts_hashed_name_as_openssh(void **state)
{
	unsigned char salt[20];
	char buf[SIPHON_HASHED_HOST_MAX];

	(void)state;
	for (int i = 0; i < 20; i++)
		salt[i] = (unsigned char)(i + 1);
	assert_int_equal(siphon_knownhosts_hashed_name(buf, sizeof(buf),
	                 "db.example", salt), 0);
	assert_string_equal(buf, "|1|AQIDBAUGBwgJCgsMDQ4PEBESExQ=|"
	                    "TlCt+gJjCBt9yjBr0AMtzxCmRP0=");
	assert_int_equal(siphon_knownhosts_hashed_name(buf, sizeof(buf),
	                 "[127.0.0.1]:2222", salt), 0);
	assert_string_equal(buf, "|1|AQIDBAUGBwgJCgsMDQ4PEBESExQ=|"
	                    "6nwC5rG6k7vxYwKIoAwPZGhI1VE=");
	assert_int_equal(siphon_knownhosts_hashed_name(buf, 40, "db.example",
	                 salt), -1);
}

/* A hashed line siphon writes is found again by the same host only. */
static void
test_knownhosts_hashed_line_round_trip(void **state)
{
	struct fixture *f = *state;
	struct siphon_knownhosts *kh;
	unsigned char a[128], salt[20] = { 7 };
	char name[SIPHON_HASHED_HOST_MAX], *line;
	size_t alen = blob(a, sizeof(a), ED_A);

	assert_int_equal(siphon_knownhosts_hashed_name(name, sizeof(name),
	                 "[db.example]:2222", salt), 0);
	line = siphon_knownhosts_line(name, LIBSSH2_HOSTKEY_TYPE_ED25519, a, alen);
	assert_non_null(line);
	kh = load(f, line);
	free(line);
	assert_int_equal(siphon_knownhosts_check(kh, "[db.example]:2222",
		LIBSSH2_HOSTKEY_TYPE_ED25519, a, alen), SIPHON_KH_MATCH);
	assert_int_equal(siphon_knownhosts_check(kh, "db.example",
		LIBSSH2_HOSTKEY_TYPE_ED25519, a, alen), SIPHON_KH_NOTFOUND);
	siphon_knownhosts_free(kh);
}

/*
 * Several files are one set: a match in any file wins over a different
 * key in another, a revoked key in any file is refused, the types add up.
 */
static void
test_knownhosts_files_are_one_set(void **state)
{
	struct fixture *f = *state;
	struct siphon_knownhosts *kh = NULL;
	unsigned char a[128], b[128];
	size_t alen = blob(a, sizeof(a), ED_A), blen = blob(b, sizeof(b), ED_B);
	char user[160], global[160];
	const char *u[] = { user, "/nonexistent/known_hosts2" }, *g[] = { global };

	snprintf(user, sizeof(user), "%s/user", f->dir);
	snprintf(global, sizeof(global), "%s/global", f->dir);
	write_file(user, "old.example ssh-ed25519 " ED_B "\n");
	write_file(global, "old.example ssh-ed25519 " ED_A "\n"
	           "new.example ssh-ed25519 " ED_A "\n"
	           "@revoked * ssh-ed25519 " ED_B "\n");
	assert_int_equal(siphon_knownhosts_load_files(&kh, f->ctx, f->session,
	                 u, 2, g, 1), 0);
	assert_string_equal(siphon_knownhosts_first_path(kh), user);
	assert_int_equal(siphon_knownhosts_check(kh, "old.example",
		LIBSSH2_HOSTKEY_TYPE_ED25519, a, alen), SIPHON_KH_MATCH);
	assert_int_equal(siphon_knownhosts_check(kh, "new.example",
		LIBSSH2_HOSTKEY_TYPE_ED25519, a, alen), SIPHON_KH_MATCH);
	/* B is in the user file, but revoked in the global one. */
	assert_int_equal(siphon_knownhosts_check(kh, "old.example",
		LIBSSH2_HOSTKEY_TYPE_ED25519, b, blen), SIPHON_KH_REVOKED);
	assert_int_equal(siphon_knownhosts_types(kh, "new.example"),
	                 T(LIBSSH2_HOSTKEY_TYPE_ED25519));
	siphon_knownhosts_free(kh);

	/* Without the revocation, a different key in one file has changed. */
	write_file(global, "new.example ssh-ed25519 " ED_A "\n");
	assert_int_equal(siphon_knownhosts_load_files(&kh, f->ctx, f->session,
	                 u, 1, g, 1), 0);
	assert_int_equal(siphon_knownhosts_check(kh, "new.example",
		LIBSSH2_HOSTKEY_TYPE_ED25519, b, blen), SIPHON_KH_MISMATCH);
	assert_int_equal(siphon_knownhosts_check(kh, "other.example",
		LIBSSH2_HOSTKEY_TYPE_ED25519, b, blen), SIPHON_KH_NOTFOUND);
	siphon_knownhosts_free(kh);

	/* No user file: nowhere to write. */
	assert_int_equal(siphon_knownhosts_load_files(&kh, f->ctx, f->session,
	                 NULL, 0, g, 1), 0);
	assert_null(siphon_knownhosts_first_path(kh));
	siphon_knownhosts_free(kh);
}

/*
 * Host names of one to three characters ("db", ssh config aliases): libssh2
 * 1.10 mistakes a host field shorter than its "|1|" marker for nothing.
 * They must match like any other name, alone and in a list.
 */
static void
test_knownhosts_short_host_names(void **state)
{
	struct fixture *f = *state;
	struct siphon_knownhosts *kh;
	unsigned char a[128], b[128];
	size_t alen, blen;

	alen = blob(a, sizeof(a), ED_A);
	blen = blob(b, sizeof(b), ED_B);
	kh = load(f, "db ssh-ed25519 " ED_A "\n"
	             "a ssh-ed25519 " ED_A "\n"
	             "x1,y2 ssh-ed25519 " ED_B "\n"
	             "[db]:2222 ssh-ed25519 " ED_B "\n");
	assert_int_equal(siphon_knownhosts_check(kh, "db", LIBSSH2_HOSTKEY_TYPE_ED25519, a, alen),
	                 SIPHON_KH_MATCH);
	assert_int_equal(siphon_knownhosts_check(kh, "db", LIBSSH2_HOSTKEY_TYPE_ED25519, b, blen),
	                 SIPHON_KH_MISMATCH);
	assert_int_equal(siphon_knownhosts_check(kh, "a", LIBSSH2_HOSTKEY_TYPE_ED25519, a, alen),
	                 SIPHON_KH_MATCH);
	assert_int_equal(siphon_knownhosts_check(kh, "x1", LIBSSH2_HOSTKEY_TYPE_ED25519, b, blen),
	                 SIPHON_KH_MATCH);
	assert_int_equal(siphon_knownhosts_check(kh, "y2", LIBSSH2_HOSTKEY_TYPE_ED25519, b, blen),
	                 SIPHON_KH_MATCH);
	assert_int_equal(siphon_knownhosts_check(kh, "[db]:2222", LIBSSH2_HOSTKEY_TYPE_ED25519, b, blen),
	                 SIPHON_KH_MATCH);
	assert_int_equal(siphon_knownhosts_check(kh, "dbx", LIBSSH2_HOSTKEY_TYPE_ED25519, a, alen),
	                 SIPHON_KH_NOTFOUND);
	siphon_knownhosts_free(kh);
}

/*
 * OpenSSH files a non-default port under "[host]:port" only; a bare entry
 * for the host (port 22) with another key must not make the key on port
 * 2222 look changed, as libssh2's own port lookup would.
 */
static void
test_knownhosts_check_port_entries_are_separate(void **state)
{
	struct fixture *f = *state;
	struct siphon_knownhosts *kh;
	unsigned char a[128], b[128];
	size_t alen, blen;

	alen = blob(a, sizeof(a), ED_A);
	blen = blob(b, sizeof(b), ED_B);
	kh = load(f, "db.example ssh-ed25519 " ED_A "\n"
	             "[db.example]:2222 ssh-ed25519 " ED_B "\n");
	assert_int_equal(siphon_knownhosts_check(kh, "[db.example]:2222",
		LIBSSH2_HOSTKEY_TYPE_ED25519, b, blen), SIPHON_KH_MATCH);
	assert_int_equal(siphon_knownhosts_check(kh, "[db.example]:2222",
		LIBSSH2_HOSTKEY_TYPE_ED25519, a, alen), SIPHON_KH_MISMATCH);
	assert_int_equal(siphon_knownhosts_check(kh, "[db.example]:2200",
		LIBSSH2_HOSTKEY_TYPE_ED25519, b, blen), SIPHON_KH_NOTFOUND);
	assert_int_equal(siphon_knownhosts_check(kh, "db.example",
		LIBSSH2_HOSTKEY_TYPE_ED25519, b, blen), SIPHON_KH_MISMATCH);
	siphon_knownhosts_free(kh);
}

static void
test_knownhosts_revoked_key_refused_for_any_host(void **state)
{
	struct fixture *f = *state;
	struct siphon_knownhosts *kh;
	unsigned char a[128], b[128];
	size_t alen, blen;

	alen = blob(a, sizeof(a), ED_A);
	blen = blob(b, sizeof(b), ED_B);
	/* Even a matching entry does not save a revoked key. */
	kh = load(f, "@revoked * ssh-ed25519 " ED_B " old key\n"
	             "db.example ssh-ed25519 " ED_B "\n"
	             "ok.example ssh-ed25519 " ED_A "\n"
	             "@revoked\n"
	             "@revoked lonely.example\n");
	assert_int_equal(siphon_knownhosts_check(kh, "db.example",
		LIBSSH2_HOSTKEY_TYPE_ED25519, b, blen), SIPHON_KH_REVOKED);
	assert_int_equal(siphon_knownhosts_check(kh, "[elsewhere]:2222",
		LIBSSH2_HOSTKEY_TYPE_ED25519, b, blen), SIPHON_KH_REVOKED);
	assert_int_equal(siphon_knownhosts_check(kh, "ok.example",
		LIBSSH2_HOSTKEY_TYPE_ED25519, a, alen), SIPHON_KH_MATCH);
	siphon_knownhosts_free(kh);
}

static void
test_knownhosts_missing_file_reads_empty(void **state)
{
	struct fixture *f = *state;
	struct siphon_knownhosts *kh = NULL;
	unsigned char a[128];
	char path[192];
	size_t alen;

	alen = blob(a, sizeof(a), ED_A);
	snprintf(path, sizeof(path), "%s/no/such/file", f->dir);
	assert_int_equal(siphon_knownhosts_load(&kh, f->ctx, f->session, path),
	                 0);
	assert_non_null(kh);
	assert_int_equal(siphon_knownhosts_types(kh, "db.example"), 0);
	assert_int_equal(siphon_knownhosts_check(kh, "db.example",
		LIBSSH2_HOSTKEY_TYPE_ED25519, a, alen), SIPHON_KH_NOTFOUND);
	siphon_knownhosts_free(kh);
}

static void
test_knownhosts_unreadable_file_fails(void **state)
{
	struct fixture *f = *state;
	struct siphon_knownhosts *kh = NULL;

	/* A directory opens but cannot be read, even by root. */
	assert_int_equal(siphon_knownhosts_load(&kh, f->ctx, f->session,
	                                        f->dir), SIPHON_EHOSTKEY);
	assert_null(kh);
	assert_non_null(strstr(siphon_ctx_errmsg(f->ctx),
	                       "cannot read known_hosts file"));
}

static void
test_knownhosts_add_creates_directory_and_file(void **state)
{
	struct fixture *f = *state;
	struct siphon_knownhosts *kh = NULL;
	unsigned char a[128];
	char dir[192], path[224];
	struct stat st;
	size_t alen;

	alen = blob(a, sizeof(a), ED_A);
	snprintf(dir, sizeof(dir), "%s/dot-ssh", f->dir);
	snprintf(path, sizeof(path), "%s/known_hosts", dir);
	assert_int_equal(siphon_knownhosts_add(f->ctx, path, "[db.example]:2222",
		LIBSSH2_HOSTKEY_TYPE_ED25519, a, alen), 0);
	assert_int_equal(stat(dir, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0700);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	assert_string_equal(read_file(path),
	                    "[db.example]:2222 ssh-ed25519 " ED_A "\n");
	assert_int_equal(siphon_knownhosts_load(&kh, f->ctx, f->session, path),
	                 0);
	assert_int_equal(siphon_knownhosts_check(kh, "[db.example]:2222",
		LIBSSH2_HOSTKEY_TYPE_ED25519, a, alen), SIPHON_KH_MATCH);
	siphon_knownhosts_free(kh);
}

static void
test_knownhosts_add_keeps_existing_lines(void **state)
{
	struct fixture *f = *state;
	struct siphon_knownhosts *kh = NULL;
	unsigned char a[128], ec[256];
	size_t alen, eclen;

	alen = blob(a, sizeof(a), ED_A);
	eclen = blob(ec, sizeof(ec), EC_A);
	/* Lines libssh2 cannot read survive; a missing last newline is added. */
	write_file(f->path, "@cert-authority *.example ssh-ed25519 " ED_A "\n"
	           "garbage");
	assert_int_equal(siphon_knownhosts_add(f->ctx, f->path, "db.example",
		LIBSSH2_HOSTKEY_TYPE_ECDSA_256, ec, eclen), 0);
	assert_int_equal(siphon_knownhosts_add(f->ctx, f->path, "db.example",
		LIBSSH2_HOSTKEY_TYPE_ED25519, a, alen), 0);
	assert_string_equal(read_file(f->path),
	                    "@cert-authority *.example ssh-ed25519 " ED_A "\n"
	                    "garbage\n"
	                    "db.example ecdsa-sha2-nistp256 " EC_A "\n"
	                    "db.example ssh-ed25519 " ED_A "\n");
	assert_int_equal(siphon_knownhosts_load(&kh, f->ctx, f->session,
	                                        f->path), 0);
	assert_int_equal(siphon_knownhosts_types(kh, "db.example"),
	                 T(LIBSSH2_HOSTKEY_TYPE_ED25519) |
	                 T(LIBSSH2_HOSTKEY_TYPE_ECDSA_256));
	siphon_knownhosts_free(kh);
}

static void
test_knownhosts_add_reports_failure(void **state)
{
	struct fixture *f = *state;
	unsigned char a[128];
	char path[192];
	size_t alen;

	alen = blob(a, sizeof(a), ED_A);
	/* The parent of the directory to create does not exist. */
	snprintf(path, sizeof(path), "%s/a/b/known_hosts", f->dir);
	assert_int_equal(siphon_knownhosts_add(f->ctx, path, "db.example",
		LIBSSH2_HOSTKEY_TYPE_ED25519, a, alen), SIPHON_EHOSTKEY);
	assert_non_null(strstr(siphon_ctx_errmsg(f->ctx), path));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_knownhosts_hostspec_plain_for_port_22),
		cmocka_unit_test(test_knownhosts_hostspec_brackets_other_ports),
		cmocka_unit_test(test_knownhosts_hostspec_lowercases),
		cmocka_unit_test(test_knownhosts_hostspec_too_long),
		cmocka_unit_test(test_knownhosts_type_names),
		cmocka_unit_test(test_knownhosts_type_bits),
		cmocka_unit_test(test_knownhosts_hostkey_prefs_known_types_first),
		cmocka_unit_test(test_knownhosts_hostkey_prefs_too_small),
		cmocka_unit_test(test_knownhosts_fingerprint_as_ssh_keygen),
		cmocka_unit_test(test_knownhosts_fingerprint_small_buffer),
		cmocka_unit_test(test_knownhosts_line_format),
		cmocka_unit_test(test_knownhosts_hashed_name_as_openssh),
		cmocka_unit_test_setup_teardown(
			test_knownhosts_hashed_line_round_trip, setup, teardown),
		cmocka_unit_test_setup_teardown(
			test_knownhosts_files_are_one_set, setup, teardown),
		cmocka_unit_test_setup_teardown(test_knownhosts_types_of_mixed_file,
		                                setup, teardown),
		cmocka_unit_test_setup_teardown(
			test_knownhosts_several_types_for_one_host, setup, teardown),
		cmocka_unit_test_setup_teardown(
			test_knownhosts_check_match_mismatch_notfound, setup, teardown),
		cmocka_unit_test_setup_teardown(
			test_knownhosts_short_host_names, setup, teardown),
		cmocka_unit_test_setup_teardown(
			test_knownhosts_check_port_entries_are_separate, setup,
			teardown),
		cmocka_unit_test_setup_teardown(
			test_knownhosts_revoked_key_refused_for_any_host, setup,
			teardown),
		cmocka_unit_test_setup_teardown(
			test_knownhosts_missing_file_reads_empty, setup, teardown),
		cmocka_unit_test_setup_teardown(
			test_knownhosts_unreadable_file_fails, setup, teardown),
		cmocka_unit_test_setup_teardown(
			test_knownhosts_add_creates_directory_and_file, setup,
			teardown),
		cmocka_unit_test_setup_teardown(
			test_knownhosts_add_keeps_existing_lines, setup, teardown),
		cmocka_unit_test_setup_teardown(
			test_knownhosts_add_reports_failure, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
