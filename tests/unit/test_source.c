/*
 * test_source.c - unit tests of the sources (lib/source): a local directory
 * streamed end to end through the real loop and remote stream (decoder and
 * sink), a missing member, names that would leave the directory, a source
 * with a backpressuring sink, and the SSH source's refusals that need no
 * server.
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
#include <zstd.h>

#include "loop/loop.h"
#include "loop/rstream.h"
#include "loop/sink.h"
#include "source/source.h"
#include "util/ctx.h"
#include "util/strbuf.h"

#define BIG (3 * 1024 * 1024)

struct fix {
	char dir[64];
	struct siphon_ctx *ctx;
	struct siphon_source *src;
	struct siphon_loop loop;
	unsigned char *data;         /* BIG bytes of rows */
};

static void
write_file(const char *dir, const char *name, const void *buf, size_t len)
{
	char path[256];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	assert_non_null(f = fopen(path, "we"));
	assert_int_equal(fwrite(buf, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
}

static int
setup(void **state)
{
	struct fix *f = calloc(1, sizeof(*f));
	unsigned char *z;
	size_t zcap, zlen;

	assert_non_null(f);
	snprintf(f->dir, sizeof(f->dir), "/tmp/siphon-test-source.XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	assert_int_equal(siphon_ctx_new(&f->ctx), 0);
	/* Rows that compress, long enough for several reads and decodes. */
	assert_non_null(f->data = malloc(BIG));
	for (size_t i = 0; i < BIG; i++)
		f->data[i] = (unsigned char)("0123456789abcdef\t\n"[(i * 7 + i / 13) % 18]);
	zcap = ZSTD_compressBound(BIG);
	assert_non_null(z = malloc(zcap));
	zlen = ZSTD_compress(z, zcap, f->data, BIG, 3);
	assert_false(ZSTD_isError(zlen));
	write_file(f->dir, "table.zst", z, zlen);
	write_file(f->dir, "plain.txt", "one\ttwo\n", 8);
	write_file(f->dir, "truncated.zst", z, zlen / 2);
	free(z);
	assert_int_equal(siphon_source_dir_new(&f->src, f->ctx, f->dir), 0);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fix *f = *state;
	char cmd[128];

	siphon_loop_clear(&f->loop);
	siphon_source_free(f->src);
	siphon_ctx_free(f->ctx);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", f->dir);
	assert_int_equal(system(cmd), 0);
	free(f->data);
	free(f);
	return 0;
}

/* Runs the loop until every stream is done or it fails; returns its code. */
static int
run(struct fix *f, struct siphon_rstream **rs, int n)
{
	int r, done;

	for (int i = 0; i < 10000; i++) {
		done = 1;
		for (int k = 0; k < n; k++)
			done &= rs[k]->state == SIPHON_RS_DONE;
		if (done)
			return 0;
		if ((r = siphon_loop_step(&f->loop, 10)) != 0)
			return r;
	}
	fail_msg("the loop did not finish");
	return -1;
}

static struct siphon_rstream *
stream(struct fix *f, const char *member, enum siphon_codec_kind codec)
{
	static const char *const stages[] = { "dump", "compress" };
	struct siphon_rstream *rs;

	assert_int_equal(siphon_rstream_new(&rs, f->ctx, f->src->chan,
	                                    f->src->sess, &f->loop.arb, member,
	                                    member, 1 << 20, codec, stages, 2), 0);
	assert_int_equal(siphon_loop_add_rstream(&f->loop, rs), 0);
	return rs;
}

static void
test_dir_source_is_ready_and_has_no_shell(void **state)
{
	struct fix *f = *state;
	struct siphon_pollwant w;

	assert_int_equal(siphon_source_step(f->src, &w), 0);
	assert_int_equal(siphon_source_wait_ready(f->src), 0);
	assert_string_equal(f->src->ops->name, "dir");
	assert_int_equal(f->src->has_shell, 0);
	assert_int_equal(f->src->fd, -1);
	assert_int_equal(f->src->chan->no_trailers, 1);
	assert_null(siphon_source_ssh(f->src));
	assert_string_equal(f->src->desc, f->dir);
}

/* A zstd member, through the decoder into a memory sink, with two pipeline stages judged by the status. */
static void
test_dir_stream_end_to_end(void **state)
{
	struct fix *f = *state;
	struct siphon_strbuf out = { 0 }, out2 = { 0 };
	struct siphon_sink sink;
	struct siphon_rstream *rs[2];
	int code;

	siphon_source_loop_init(&f->loop, f->src, 5);
	assert_ptr_equal(f->loop.ops, f->src->chan);
	assert_int_equal(f->loop.sock, -1);
	rs[0] = stream(f, "table.zst", SIPHON_CODEC_ZSTD);
	rs[1] = stream(f, "plain.txt", SIPHON_CODEC_NONE);
	siphon_sink_strbuf(&sink, &out);
	siphon_rstream_set_sink(rs[0], &sink);
	siphon_rstream_set_mem_sink(rs[1], &out2);
	/* What a restore side sends is taken and dropped. */
	assert_int_equal(siphon_rstream_send(rs[0], "COPY x TO STDOUT;\n", 18), 0);
	siphon_rstream_close_stdin(rs[0]);
	assert_int_equal(run(f, rs, 2), 0);
	assert_string_equal(siphon_ctx_errmsg(f->ctx), "");
	assert_int_equal(out.len, BIG);
	assert_memory_equal(out.buf, f->data, BIG);
	assert_string_equal(out2.buf, "one\ttwo\n");
	assert_int_equal(rs[0]->exit_status, 0);
	assert_null(siphon_rstream_failed_stage(rs[0], &code));
	assert_string_equal(siphon_rstream_stderr(rs[0]), "");
	assert_int_equal(rs[1]->wire_bytes, 8);
	for (int i = 0; i < 2; i++)
		siphon_rstream_free(rs[i]);
	siphon_strbuf_free(&out);
	siphon_strbuf_free(&out2);
}

static void
test_dir_missing_member(void **state)
{
	struct fix *f = *state;
	struct siphon_strbuf out = { 0 };
	struct siphon_rstream *rs;
	char want[256];
	int code;

	siphon_source_loop_init(&f->loop, f->src, 5);
	rs = stream(f, "nope.zst", SIPHON_CODEC_ZSTD);
	siphon_rstream_set_mem_sink(rs, &out);
	assert_int_equal(run(f, &rs, 1), SIPHON_EREMOTE);
	snprintf(want, sizeof(want), "nope.zst failed (status 1): member "
	         "'nope.zst' of %s: missing", f->dir);
	assert_string_equal(siphon_ctx_errmsg(f->ctx), want);
	assert_string_equal(siphon_rstream_failed_stage(rs, &code), "dump");
	assert_int_equal(code, 1);
	assert_int_equal(out.len, 0);
	siphon_rstream_free(rs);
}

/* A stream the engine expects may fail ends DONE with failed set. */
static void
test_dir_missing_member_may_fail(void **state)
{
	struct fix *f = *state;
	struct siphon_strbuf out = { 0 };
	struct siphon_rstream *rs;

	siphon_source_loop_init(&f->loop, f->src, 5);
	rs = stream(f, "nope", SIPHON_CODEC_NONE);
	siphon_rstream_set_mem_sink(rs, &out);
	rs->may_fail = 1;
	assert_int_equal(run(f, &rs, 1), 0);
	assert_true(rs->failed);
	assert_string_equal(siphon_ctx_errmsg(f->ctx), "");
	siphon_rstream_free(rs);
}

static void
test_dir_names_stay_inside(void **state)
{
	static const char *const bad[] = { "../etc/passwd", "/etc/passwd",
	                                   "a/../../x", "..", "" };
	struct fix *f = *state;
	struct siphon_strbuf out = { 0 };
	struct siphon_rstream *rs;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		siphon_err_clear(f->ctx);
		siphon_loop_clear(&f->loop);
		siphon_source_loop_init(&f->loop, f->src, 5);
		rs = stream(f, bad[i], SIPHON_CODEC_NONE);
		siphon_rstream_set_mem_sink(rs, &out);
		assert_int_equal(run(f, &rs, 1), SIPHON_EREMOTE);
		assert_non_null(strstr(siphon_ctx_errmsg(f->ctx),
		                       "not a name inside the directory"));
		assert_int_equal(out.len, 0);
		siphon_rstream_free(rs);
	}
	/* A directory is not a member either. */
	siphon_err_clear(f->ctx);
	siphon_loop_clear(&f->loop);
	siphon_source_loop_init(&f->loop, f->src, 5);
	rs = stream(f, ".", SIPHON_CODEC_NONE);
	siphon_rstream_set_mem_sink(rs, &out);
	assert_int_equal(run(f, &rs, 1), SIPHON_EREMOTE);
	assert_non_null(strstr(siphon_ctx_errmsg(f->ctx), "not a regular file"));
	siphon_rstream_free(rs);
	siphon_strbuf_free(&out);
}

/* A cut member is a decoder error, as a cut channel is. */
static void
test_dir_truncated_member(void **state)
{
	struct fix *f = *state;
	struct siphon_strbuf out = { 0 };
	struct siphon_sink sink;
	struct siphon_rstream *rs;

	siphon_source_loop_init(&f->loop, f->src, 5);
	rs = stream(f, "truncated.zst", SIPHON_CODEC_ZSTD);
	siphon_sink_strbuf(&sink, &out);
	siphon_rstream_set_sink(rs, &sink);
	assert_int_equal(run(f, &rs, 1), SIPHON_EREMOTE);
	assert_non_null(strstr(siphon_ctx_errmsg(f->ctx), "ended early (truncated)"));
	siphon_rstream_free(rs);
	siphon_strbuf_free(&out);
}

/* A sink that takes a little at a time: the stream waits, nothing is lost. */
struct slow {
	struct siphon_strbuf sb;
	int calls;
};

static ssize_t
slow_write(void *arg, const unsigned char *buf, size_t len)
{
	struct slow *s = arg;

	if (s->calls++ % 2 == 0)
		return 0;
	if (len > 1000)
		len = 1000;
	assert_int_equal(siphon_strbuf_append(&s->sb, buf, len), 0);
	return (ssize_t)len;
}

static int
slow_finish(void *arg)
{
	(void)arg;
	return 0;
}

static void
test_dir_backpressure(void **state)
{
	struct fix *f = *state;
	struct slow s = { 0 };
	struct siphon_sink sink = { slow_write, slow_finish, &s };
	struct siphon_rstream *rs;
	int r;

	siphon_source_loop_init(&f->loop, f->src, 5);
	rs = stream(f, "table.zst", SIPHON_CODEC_ZSTD);
	siphon_rstream_set_sink(rs, &sink);
	for (int i = 0; i < 100000 && rs->state != SIPHON_RS_DONE; i++)
		assert_int_equal((r = siphon_loop_step(&f->loop, 0)), 0);
	assert_int_equal(rs->state, SIPHON_RS_DONE);
	assert_int_equal(s.sb.len, BIG);
	assert_memory_equal(s.sb.buf, f->data, BIG);
	siphon_rstream_free(rs);
	siphon_strbuf_free(&s.sb);
}

static void
test_dir_source_missing_dir(void **state)
{
	struct fix *f = *state;
	struct siphon_source *src = (struct siphon_source *)f;

	assert_int_equal(siphon_source_dir_new(&src, f->ctx,
	                                       "/nonexistent/siphon-test"),
	                 SIPHON_EUSAGE);
	assert_null(src);
	assert_string_equal(siphon_ctx_errmsg(f->ctx), "cannot open directory "
	                    "/nonexistent/siphon-test: No such file or directory");
	siphon_source_free(NULL);
}

static void
test_ssh_source_bad_options(void **state)
{
	struct fix *f = *state;
	struct siphon_source *src = (struct siphon_source *)f;
	struct siphon_ssh_opts o;

	memset(&o, 0, sizeof(o));
	o.user = "u";
	o.host = "";
	assert_int_equal(siphon_source_ssh_new(&src, f->ctx, &o, NULL),
	                 SIPHON_EUSAGE);
	assert_null(src);
	assert_string_equal(siphon_ctx_errmsg(f->ctx), "no SSH host given");
}

static void
test_ssh_source_refused(void **state)
{
	struct fix *f = *state;
	struct siphon_source *src;
	struct siphon_ssh_opts o;

	memset(&o, 0, sizeof(o));
	o.user = "u";
	o.host = "127.0.0.1";
	o.port = 1;              /* nothing listens on tcpmux */
	o.known_hosts = "/nonexistent/siphon-test/known_hosts";
	assert_int_equal(siphon_source_ssh_new(&src, f->ctx, &o, NULL), 0);
	assert_string_equal(src->ops->name, "ssh");
	assert_int_equal(src->has_shell, 1);
	assert_non_null(siphon_source_ssh(src));
	assert_string_equal(src->desc, "127.0.0.1");
	assert_int_equal(siphon_source_wait_ready(src), SIPHON_ECONNECT);
	assert_string_equal(siphon_ctx_errmsg(f->ctx), "cannot connect to "
	                    "127.0.0.1:1: Connection refused (is sshd running "
	                    "there? check host and port)");
	siphon_source_free(src);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_dir_source_is_ready_and_has_no_shell, setup, teardown),
		cmocka_unit_test_setup_teardown(test_dir_stream_end_to_end, setup, teardown),
		cmocka_unit_test_setup_teardown(test_dir_missing_member, setup, teardown),
		cmocka_unit_test_setup_teardown(test_dir_missing_member_may_fail, setup, teardown),
		cmocka_unit_test_setup_teardown(test_dir_names_stay_inside, setup, teardown),
		cmocka_unit_test_setup_teardown(test_dir_truncated_member, setup, teardown),
		cmocka_unit_test_setup_teardown(test_dir_backpressure, setup, teardown),
		cmocka_unit_test_setup_teardown(test_dir_source_missing_dir, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ssh_source_bad_options, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ssh_source_refused, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
