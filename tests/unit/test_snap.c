/*
 * test_snap.c - unit tests of lib/snap: the manifest's text and its
 * parser's refusals, chunk names, labels, and a snapshot written through
 * the recorder's tap, read back (index, offsets, checksums) and replayed
 * through the source's channels; a flipped byte and a cut file refused.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "snap/snap.h"
#include "util/ctx.h"

static void
test_snap_member_names(void **state)
{
	char p[64];
	int s, q, e;

	(void)state;
	assert_int_equal(siphon_snap_member_path(p, sizeof(p), 3, 17, 0), 0);
	assert_string_equal(p, "streams/000003/000017.out");
	assert_int_equal(siphon_snap_member_parse(p, &s, &q, &e), 0);
	assert_int_equal(s, 3);
	assert_int_equal(q, 17);
	assert_int_equal(e, 0);
	assert_int_equal(siphon_snap_member_parse("streams/000003/000017.err", &s, &q, &e), 0);
	assert_int_equal(e, 1);
	assert_int_equal(siphon_snap_member_parse("streams/00003/000017.out", &s, &q, &e), -1);
	assert_int_equal(siphon_snap_member_parse("streams/000003/000017.exe", &s, &q, &e), -1);
	assert_int_equal(siphon_snap_member_parse("../etc/passwd", &s, &q, &e), -1);
	assert_int_equal(siphon_snap_member_parse("streams/0000a3/000017.out", &s, &q, &e), -1);
}

static void
test_snap_labels(void **state)
{
	struct siphon_snap_labels l = {0};
	char b[300];

	(void)state;
	assert_int_equal(siphon_snap_label(&l, "lane", b, sizeof(b)), 0);
	assert_string_equal(b, "lane#0");
	assert_int_equal(siphon_snap_label(&l, "probe", b, sizeof(b)), 0);
	assert_string_equal(b, "probe#0");
	assert_int_equal(siphon_snap_label(&l, "lane", b, sizeof(b)), 0);
	assert_string_equal(b, "lane#1");
	siphon_snap_labels_clear(&l);
}

static void
fill(struct siphon_snap_manifest *m)
{
	struct siphon_snap_member mb = {.stream = 0, .seq = 0, .size = 5, .offset = -1};

	memset(m, 0, sizeof(*m));
	m->siphon_version = strdup("0.1.0");
	m->profile = strdup("prod");
	m->host = strdup("db 1");
	m->engine = strdup("postgres");
	m->database = strdup("shop\nx");
	m->into = strdup("");
	m->server = strdup("PostgreSQL 15");
	m->codec = strdup("zstd");
	m->instant = 1796000000;
	m->jobs = 4;
	assert_int_equal(siphon_snap_manifest_add_opt(m, "remote-pg-opts", "a b"), 0);
	assert_int_equal(siphon_snap_manifest_set_fact(m, "mysql-history", "no"), 0);
	assert_int_equal(siphon_snap_manifest_set_fact(m, "mysql-history", "yes"), 0);
	assert_int_equal(siphon_snap_manifest_set_fact(m, "mysql-sequences", ""), 0);
	assert_int_equal(siphon_snap_manifest_add_table(m, "public", "t x", 12, 8192), 0);
	assert_int_equal(siphon_snap_manifest_add_stream(m, 0, "control#0", 1), 0);
	memset(mb.sha, 0xab, sizeof(mb.sha));
	mb.sha[3] = 0;          /* a digest may hold a zero byte */
	assert_int_equal(siphon_snap_manifest_add_member(m, &mb), 0);
}

static void
test_snap_manifest_round_trip(void **state)
{
	struct siphon_snap_manifest m, back;
	char *text, why[256];
	size_t len;

	(void)state;
	fill(&m);
	assert_int_equal(siphon_snap_manifest_format(&m, &text, &len), 0);
	assert_int_equal(siphon_snap_manifest_parse(&back, text, len, why, sizeof(why)), 0);
	assert_string_equal(back.host, "db 1");
	assert_string_equal(back.database, "shop\nx");
	assert_string_equal(back.into, "");
	assert_string_equal(back.engine, "postgres");
	assert_int_equal(back.jobs, 4);
	assert_int_equal(back.instant, 1796000000);
	assert_int_equal(back.nopts, 1);
	assert_string_equal(back.opts[0].value, "a b");
	/* A fact set twice is one fact, the later value; an empty value survives. */
	assert_int_equal(back.nfacts, 2);
	assert_string_equal(siphon_snap_manifest_fact(&back, "mysql-history"), "yes");
	assert_string_equal(siphon_snap_manifest_fact(&back, "mysql-sequences"), "");
	assert_null(siphon_snap_manifest_fact(&back, "mysql-other"));
	assert_int_equal(back.ntables, 1);
	assert_string_equal(back.tables[0].name, "t x");
	assert_int_equal(back.tables[0].rows, 12);
	assert_int_equal(back.table_bytes, 8192);
	assert_int_equal(back.nstreams, 1);
	assert_int_equal(back.streams[0].eof_after_stdin, 1);
	assert_int_equal(back.nmembers, 1);
	assert_memory_equal(back.members[0].sha, m.members[0].sha, 32);
	siphon_snap_manifest_clear(&back);
	free(text);
	siphon_snap_manifest_clear(&m);
}

/* Each bad text is refused, with a line number. */
static void
test_snap_manifest_refusals(void **state)
{
	static const char *const bad[] = {
		"",
		"siphon-snapshot 2\nend\n",
		"siphon-snapshot 1\nengine x\n",                       /* no end */
		"siphon-snapshot 1\nend\nengine x\n",                  /* after end */
		"siphon-snapshot 1\nend",                              /* cut */
		"siphon-snapshot 1\nhost zz\nend\n",                   /* not hex */
		"siphon-snapshot 1\nhost 6100\nend\n",                 /* a NUL inside */
		"siphon-snapshot 1\njobs 0\nend\n",
		"siphon-snapshot 1\nstream 1 61 0\nend\n",             /* out of order */
		"siphon-snapshot 1\nmember 0 0 out 1 00\nend\n",       /* no such stream */
		"siphon-snapshot 1\nstream 0 61 0\nmember 0 0 out 99999999 "
		"0000000000000000000000000000000000000000000000000000000000000000\nend\n",
		"siphon-snapshot 1\nwhat 1\nend\n",
		"siphon-snapshot 1\nfact 61 79\nfact 61 6e\nend\n",  /* a fact twice */
		"siphon-snapshot 1\nfact 61\nend\n",
		"siphon-snapshot 1\nengine Post gres\nend\n",
		"siphon-snapshot 1\nend\n",                            /* nothing in it */
	};
	struct siphon_snap_manifest m;
	char why[256];

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(siphon_snap_manifest_parse(&m, bad[i], strlen(bad[i]), why, sizeof(why)), -1);
		assert_non_null(strstr(why, "manifest line "));
		assert_null(m.members);
	}
}

/* A directory of its own under /tmp, removed with what is in it. */
static void
rm_dir(const char *dir)
{
	char cmd[512];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
}

/* Reads a replayed stream to its end; its stdout into out. */
static size_t
replay_read(struct siphon_source *src, const char *label, unsigned char *out, size_t cap,
            int close_stdin)
{
	void *chan = NULL;
	size_t got = 0;
	ssize_t n;

	assert_int_equal(src->chan->open(src->sess, &chan, 0), SIPHON_CHAN_OK);
	assert_int_equal(src->chan->exec(chan, label), SIPHON_CHAN_OK);
	while ((n = src->chan->read(chan, 0, out + got, cap - got > 7000 ? 7000 : cap - got)) > 0)
		got += (size_t)n;
	assert_int_equal(n, 0);
	assert_int_equal(src->chan->eof(chan), !close_stdin);
	if (close_stdin) {
		src->chan->send_eof(chan);
		assert_int_equal(src->chan->eof(chan), 1);
	}
	src->chan->free(chan);
	return got;
}

static void
test_snap_write_read_replay(void **state)
{
	struct siphon_ctx *ctx = NULL;
	struct siphon_snapw *w = NULL;
	struct siphon_snap_manifest m;
	struct siphon_source *src = NULL;
	struct siphon_rstream a, b;
	char dir[] = "/tmp/siphon-test-snap.XXXXXX", final[4400], cut[4500], cmd[9200];
	size_t big = 2 * SIPHON_SNAP_CHUNK + 12345, got;
	unsigned char *data = malloc(big), *back = malloc(big + 10);
	struct stat st;
	int fd;

	(void)state;
	assert_non_null(mkdtemp(dir));
	for (size_t i = 0; i < big; i++)
		data[i] = (unsigned char)(i * 7 + (i >> 11));
	assert_int_equal(siphon_ctx_new(&ctx), 0);
	assert_int_equal(siphon_snapw_open(&w, ctx, dir), 0);
	memset(&a, 0, sizeof(a));
	memset(&b, 0, sizeof(b));
	assert_int_equal(siphon_snapw_attach(w, &a, "lane"), 0);
	assert_int_equal(siphon_snapw_attach(w, &b, "lane"), 0);
	/* Interleaved, in pieces of odd sizes, as a loop would see them. */
	for (size_t off = 0; off < big; off += 100003) {
		size_t n = big - off < 100003 ? big - off : 100003;

		assert_int_equal(a.tap(a.tap_arg, 0, data + off, n), 0);
		assert_int_equal(b.tap(b.tap_arg, 1, (const unsigned char *)"siphon-status dump 0\n", 21), 0);
	}
	assert_int_equal(a.tap(a.tap_arg, 2, NULL, 1), 0);
	/* "hello" came once siphon had written 10 bytes of stdin: a gate. */
	b.in_total = 10;
	assert_int_equal(b.tap(b.tap_arg, 0, (const unsigned char *)"hello", 5), 0);
	assert_int_equal(b.tap(b.tap_arg, 2, NULL, 0), 0);
	siphon_snapw_manifest(w)->engine = strdup("sqlite");
	siphon_snapw_manifest(w)->host = strdup("h");
	siphon_snapw_manifest(w)->database = strdup("d");
	siphon_snapw_manifest(w)->codec = strdup("none");
	siphon_snapw_manifest(w)->jobs = 1;
	assert_int_equal(siphon_snapw_commit(w, "one.siphon.tar", final, sizeof(final)), 0);
	siphon_snapw_free(w);
	assert_int_equal(stat(final, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);

	assert_int_equal(siphon_snap_read(ctx, final, 1, &m), 0);
	assert_int_equal(m.nstreams, 2);
	assert_int_equal(m.nmembers, 3 + 1 + 1);
	for (int i = 0; i < m.nmembers; i++)
		assert_true(m.members[i].offset > 0 && m.members[i].offset % 512 == 0);
	assert_int_equal(siphon_source_snap_new(&src, ctx, final, &m), 0);
	got = replay_read(src, "lane#0", back, big + 10, 1);
	assert_int_equal(got, big);
	assert_memory_equal(back, data, big);
	{
		void *chan = NULL;

		assert_int_equal(src->chan->open(src->sess, &chan, 0), SIPHON_CHAN_OK);
		assert_int_equal(src->chan->exec(chan, "lane#1"), SIPHON_CHAN_OK);
		assert_int_equal(src->chan->read(chan, 0, back, 100), 0);      /* held at the gate */
		assert_int_equal(src->chan->eof(chan), 0);
		assert_int_equal(src->chan->write(chan, (const unsigned char *)"0123456789", 10), 10);
		assert_int_equal(src->chan->read(chan, 0, back, 100), 5);
		assert_memory_equal(back, "hello", 5);
		assert_int_equal(src->chan->eof(chan), 1);
		assert_true(src->chan->read(chan, 1, back, 100) > 0);           /* its stderr */
		src->chan->free(chan);
	}
	{
		void *chan = NULL;

		assert_int_equal(src->chan->open(src->sess, &chan, 0), SIPHON_CHAN_OK);
		assert_int_equal(src->chan->exec(chan, "lane#9"), SIPHON_CHAN_ERROR);
		assert_non_null(strstr(siphon_ctx_errmsg(ctx), "holds no stream \"lane#9\""));
		src->chan->free(chan);
	}
	siphon_source_free(src);
	siphon_ctx_free(ctx);
	assert_int_equal(siphon_ctx_new(&ctx), 0);

	/* A byte flipped in the data, then the file cut in half: refused. */
	assert_true((fd = open(final, O_RDWR)) >= 0);
	assert_int_equal(pwrite(fd, "\x01\x02\x03", 3, 512 + 1000), 3);
	close(fd);
	assert_int_equal(siphon_snap_read(ctx, final, 1, &m), SIPHON_ESNAPSHOT);
	assert_non_null(strstr(siphon_ctx_errmsg(ctx), "SHA-256"));
	siphon_ctx_free(ctx);
	assert_int_equal(siphon_ctx_new(&ctx), 0);
	snprintf(cut, sizeof(cut), "%s/cut.tar", dir);
	snprintf(cmd, sizeof(cmd), "head -c %lld '%s' >'%s'", (long long)st.st_size / 2, final, cut);
	assert_int_equal(system(cmd), 0);
	assert_int_equal(siphon_snap_read(ctx, cut, 0, &m), SIPHON_ESNAPSHOT);
	siphon_ctx_free(ctx);
	rm_dir(dir);
	free(data);
	free(back);
}

/*
 * A save that is not committed leaves nothing: the temporary file goes
 * with the writer, or at once when dropped mid-pull (a resumed pull: drop),
 * after which later bytes are ignored and nothing can be committed.
 */
static void
leaves_nothing(int drop)
{
	struct siphon_ctx *ctx = NULL;
	struct siphon_snapw *w = NULL;
	struct siphon_rstream a;
	char dir[] = "/tmp/siphon-test-snap.XXXXXX", cmd[128], final[256];

	assert_non_null(mkdtemp(dir));
	assert_int_equal(siphon_ctx_new(&ctx), 0);
	assert_int_equal(siphon_snapw_open(&w, ctx, dir), 0);
	memset(&a, 0, sizeof(a));
	assert_int_equal(siphon_snapw_attach(w, &a, "x"), 0);
	assert_int_equal(a.tap(a.tap_arg, 0, (const unsigned char *)"abc", 3), 0);
	snprintf(cmd, sizeof(cmd), "rmdir '%s'", dir);
	if (drop) {
		assert_int_equal(siphon_snapw_dropped(w), 0);
		siphon_snapw_drop(w);
		siphon_snapw_drop(w);
		assert_int_equal(siphon_snapw_dropped(w), 1);
		assert_int_equal(system(cmd), 0);     /* empty already */
		assert_int_equal(a.tap(a.tap_arg, 0, (const unsigned char *)"def", 3), 0);
		assert_int_equal(a.tap(a.tap_arg, 2, NULL, 0), 0);
		assert_int_not_equal(siphon_snapw_commit(w, "x.siphon.tar", final, sizeof(final)), 0);
	}
	siphon_snapw_free(w);
	if (!drop)
		assert_int_equal(system(cmd), 0);     /* empty */
	siphon_ctx_free(ctx);
}

static void
test_snap_uncommitted_leaves_nothing(void **state)
{
	(void)state;
	leaves_nothing(0);
}

static void
test_snap_dropped_leaves_nothing(void **state)
{
	(void)state;
	leaves_nothing(1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_snap_member_names),
		cmocka_unit_test(test_snap_labels),
		cmocka_unit_test(test_snap_manifest_round_trip),
		cmocka_unit_test(test_snap_manifest_refusals),
		cmocka_unit_test(test_snap_write_read_replay),
		cmocka_unit_test(test_snap_uncommitted_leaves_nothing),
		cmocka_unit_test(test_snap_dropped_leaves_nothing),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
