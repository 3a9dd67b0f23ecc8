/*
 * sq_keep.c - the files a pull keeps beside the local database, and the
 * two commands that use them.
 *
 *   previous  .BASE.siphon-prev: the file the swap replaced.  Before the
 *             swap's rename the old file gets a second name (a hard link,
 *             a temporary's name the stale sweep knows); after it, that name
 *             is renamed over the older previous file, which goes only then
 *   pristine  .BASE.siphon-pristine: a copy of the checked new file made
 *             before the swap (copy_file_range: a reflink where the file
 *             system shares blocks), fsync'd; never opened, so it stays
 *             exactly what was pulled
 *   rollback  the swap's steps with the previous file as the new one: the
 *             target settled (its WAL folded in), given a second name,
 *             prev renamed over it (atomic: the name always holds a whole
 *             database), the second name renamed to prev, the directory
 *             fsync'd
 *   reset     the pristine file copied to a temporary beside the target,
 *             then the pull's own swap (keeping nothing)
 * The kept names end in "siphon-prev"/"siphon-pristine", never in a
 * temporary's "siphon_tmp_...": the stale sweep leaves them alone.
 */
#include "engine/sqlite/sq_pull_int.h"

#include "engine/keepname.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* dir/.BASE.siphon-KIND into sb. */
static int
kept_path(struct sq *sq, struct siphon_strbuf *sb, const char *kind)
{
	siphon_strbuf_reset(sb);
	if (siphon_strbuf_printf(sb, "%s/%ssiphon-%s", siphon_strbuf_str(&sq->dir),
	                         siphon_strbuf_str(&sq->tmp_prefix), kind) != 0)
		return siphon_err_oom(sq->ctx);
	return 0;
}

/* Copies the file from into the open to_fd (named to), then fsyncs it. */
static int
copy_file(struct sq *sq, const char *from, int to_fd, const char *to)
{
	char buf[65536];
	ssize_t n;
	int fd, r = 0;

	if ((fd = open(from, O_RDONLY | O_CLOEXEC | O_NOCTTY)) < 0)
		return siphon_err(sq->ctx, SIPHON_ELOCAL, "cannot read \"%s\": %s", from, strerror(errno));
	/* In the kernel, shared blocks where the file system can; else by hand. */
	while ((n = copy_file_range(fd, NULL, to_fd, NULL, (size_t)1 << 30, 0)) > 0)
		;
	if (n < 0 && (errno == EXDEV || errno == ENOSYS || errno == EINVAL || errno == EOPNOTSUPP)) {
		while ((n = read(fd, buf, sizeof(buf))) > 0) {
			for (ssize_t off = 0, w; off < n; off += w)
				if ((w = write(to_fd, buf + off, (size_t)(n - off))) < 0) {
					n = -1;
					break;
				}
			if (n < 0)
				break;
		}
	}
	if (n < 0 || fsync(to_fd) != 0)
		r = siphon_err(sq->ctx, SIPHON_ELOCAL, "copying \"%s\" to \"%s\" failed: %s (disk full?)", from, to,
		               strerror(errno));
	close(fd);
	return r;
}

/* Removes path (a warning when it cannot go); 0 when it is gone. */
static int
remove_warn(struct sq *sq, const char *path, const char *what)
{
	if (unlink(path) == 0 || errno == ENOENT)
		return 0;
	siphon_log(sq->ctx, SIPHON_LOG_WARN, "could not remove %s \"%s\": %s", what, path, strerror(errno));
	return -1;
}

int
sq_keep_describe(struct sq *sq, struct siphon_strbuf *line)
{
	if (sq->target_exists && sq->o->keep_previous &&
	    siphon_strbuf_printf(line, "; the old one is kept as %s/%ssiphon-prev (siphon rollback)",
	                         siphon_strbuf_str(&sq->dir), siphon_strbuf_str(&sq->tmp_prefix)) != 0)
		return -1;
	if (sq->o->keep_pristine &&
	    siphon_strbuf_printf(line, "; an untouched twin as %s/%ssiphon-pristine (siphon reset)",
	                         siphon_strbuf_str(&sq->dir), siphon_strbuf_str(&sq->tmp_prefix)) != 0)
		return -1;
	return 0;
}

int
sq_keep_before(struct sq *sq)
{
	const char *into = siphon_strbuf_str(&sq->into), *tmp = siphon_strbuf_str(&sq->tmp);
	int fd, r;

	if (sq->o->keep_pristine && !sq->no_pristine) {
		siphon_strbuf_reset(&sq->pristine_tmp);
		if (siphon_strbuf_printf(&sq->pristine_tmp, "%s-pristine", tmp) != 0)
			return siphon_err_oom(sq->ctx);
		fd = open(sq->pristine_tmp.buf, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
		if (fd < 0)
			return siphon_err(sq->ctx, SIPHON_ELOCAL, "cannot create \"%s\": %s", sq->pristine_tmp.buf,
			                  strerror(errno));
		sq->pristine_made = 1;
		r = copy_file(sq, tmp, fd, sq->pristine_tmp.buf);
		if (close(fd) != 0 && r == 0)
			r = siphon_err(sq->ctx, SIPHON_ELOCAL, "writing \"%s\" failed: %s", sq->pristine_tmp.buf,
			               strerror(errno));
		if (r != 0)
			return r;
	}
	if (!sq->o->keep_previous || !sq->target_exists)
		return 0;
	siphon_strbuf_reset(&sq->old_link);
	if (siphon_strbuf_printf(&sq->old_link, "%s-old", tmp) != 0)
		return siphon_err_oom(sq->ctx);
	if (link(into, sq->old_link.buf) != 0)
		return siphon_err(sq->ctx, SIPHON_ELOCAL,
		                  "cannot keep the old \"%s\" for rollback (a second name, \"%s\": %s); nothing was "
		                  "replaced: set keep_previous = no where the file system has no hard links",
		                  into, sq->old_link.buf, strerror(errno));
	sq->old_linked = 1;
	return 0;
}

void
sq_keep_abort(struct sq *sq)
{
	if (sq->old_linked && remove_warn(sq, sq->old_link.buf, "the second name of the old file") == 0)
		sq->old_linked = 0;
	if (sq->pristine_made && remove_warn(sq, sq->pristine_tmp.buf, "the unfinished pristine copy") == 0)
		sq->pristine_made = 0;
}

/* from renamed to to; a warning when it cannot be. */
static int
rename_warn(struct sq *sq, const char *from, const char *to, const char *what)
{
	if (rename(from, to) == 0)
		return 0;
	siphon_log(sq->ctx, SIPHON_LOG_WARN, "could not keep %s as \"%s\" (%s); it goes", what, to, strerror(errno));
	return -1;
}

void
sq_keep_after(struct sq *sq)
{
	struct siphon_strbuf prev = {0}, pristine = {0};

	if (kept_path(sq, &prev, "prev") != 0 || kept_path(sq, &pristine, "pristine") != 0) {
		siphon_err_clear(sq->ctx);
		goto out;
	}
	/* The new copy is in place: only now may the older kept files go. */
	if (sq->old_linked) {
		if (rename_warn(sq, sq->old_link.buf, prev.buf, "the replaced file") == 0) {
			sq->old_linked = 0;
			siphon_log(sq->ctx, SIPHON_LOG_INFO,
			           "the replaced file is kept as \"%s\" (siphon rollback puts it back)", prev.buf);
		}
	} else if (!sq->o->keep_previous) {
		remove_warn(sq, prev.buf, "the previous copy");
	}
	/* A pristine copy of an older pull would reset to the wrong data: it goes either way. */
	if (sq->pristine_made && rename_warn(sq, sq->pristine_tmp.buf, pristine.buf, "the pristine copy") == 0)
		sq->pristine_made = 0;
	else
		remove_warn(sq, pristine.buf, "the older pristine copy");
out:
	sq_keep_abort(sq);
	siphon_strbuf_free(&prev);
	siphon_strbuf_free(&pristine);
}

/* The previous file back in; the target becomes the previous one. */
static int
rollback(struct sq *sq, const char *prev)
{
	const char *into = siphon_strbuf_str(&sq->into);
	int r;

	if ((r = sq_check_busy(sq, "")) != 0 || (r = sq_path_busy(sq, prev, "")) != 0 ||
	    (r = sq_settle(sq)) != 0)
		return r;
	if (sq->target_exists) {
		char name[64];

		siphon_target_tmpname(name, sizeof(name), "old");
		if (siphon_strbuf_printf(&sq->old_link, "%s/%s%s", siphon_strbuf_str(&sq->dir),
		                         siphon_strbuf_str(&sq->tmp_prefix), name) != 0)
			return siphon_err_oom(sq->ctx);
		if (link(into, sq->old_link.buf) != 0)
			return siphon_err(sq->ctx, SIPHON_ELOCAL,
			                  "cannot give \"%s\" a second name for the swap (\"%s\": %s); nothing was changed",
			                  into, sq->old_link.buf, strerror(errno));
		sq->old_linked = 1;
	}
	if (rename(prev, into) != 0)
		return siphon_err(sq->ctx, SIPHON_ELOCAL, "cannot put \"%s\" in place of \"%s\": %s; nothing was changed",
		                  prev, into, strerror(errno));
	if (sq->old_linked && rename_warn(sq, sq->old_link.buf, prev, "the copy that was rolled back") == 0)
		sq->old_linked = 0;
	sq_settled_done(sq);
	siphon_log(sq->ctx, SIPHON_LOG_INFO, "\"%s\" is the previous copy again%s", into,
	           sq->target_exists ? "; the one it replaced is now kept as the previous copy (roll back again to return to it)"
	                             : "");
	return 0;
}

/* The pristine file copied beside the target, then swapped in as a pull's copy is. */
static int
reset(struct sq *sq, const char *pristine)
{
	struct stat st;
	int r;

	if ((r = sq_check_busy(sq, "")) != 0)
		return r;
	if (stat(pristine, &st) != 0)
		return siphon_err(sq->ctx, SIPHON_ELOCAL, "cannot look at \"%s\": %s", pristine, strerror(errno));
	if ((r = siphon_target_check_disk(&sq->eng->target, (uint64_t)st.st_size)) != 0 ||
	    (r = sq_tmp_open(sq)) != 0)
		return r;
	r = copy_file(sq, pristine, sq->tmp_fd, siphon_strbuf_str(&sq->tmp));
	if (close(sq->tmp_fd) != 0 && r == 0)
		r = siphon_err(sq->ctx, SIPHON_ELOCAL, "writing \"%s\" failed: %s", siphon_strbuf_str(&sq->tmp),
		               strerror(errno));
	sq->tmp_fd = -1;
	sq->keeping = 0;
	if (r == 0 && (r = sq_swap(sq)) == 0)
		siphon_log(sq->ctx, SIPHON_LOG_INFO, "\"%s\" is again what the last pull brought (from \"%s\")",
		           siphon_strbuf_str(&sq->into), pristine);
	sq_tmp_remove(sq);
	return r;
}

int
sq_local_op(struct siphon_run *run, void *st, enum siphon_local_action act, int check_only)
{
	struct sq *sq = st;
	struct siphon_strbuf kept = {0};
	int r;

	if ((r = sq_paths(sq)) != 0)
		return r;
	if (siphon_sq_tmp_prefix(&sq->tmp_prefix, siphon_strbuf_str(&sq->base)) != 0)
		return siphon_err_oom(sq->ctx);
	run->target.prefix = siphon_strbuf_str(&sq->tmp_prefix);
	if ((r = kept_path(sq, &kept, act == SIPHON_LOCAL_ROLLBACK ? "prev" : "pristine")) != 0)
		goto out;
	if (check_only || access(kept.buf, F_OK) != 0) {
		r = access(kept.buf, F_OK) == 0;
		if (!check_only)
			r = siphon_err(sq->ctx, SIPHON_ELOCAL,
			               act == SIPHON_LOCAL_ROLLBACK
			               ? "no previous copy of \"%s\" to roll back to (\"%s\"): a pull keeps the file it replaces when keep_previous is on; nothing was changed"
			               : "no pristine copy of \"%s\" to reset from (\"%s\"): a pull keeps one when keep_pristine is on; nothing was changed",
			               siphon_strbuf_str(&sq->into), kept.buf);
		goto out;
	}
	if ((r = siphon_target_set_dir(&run->target, siphon_strbuf_str(&sq->dir), "in the local file's directory")) != 0 ||
	    (r = sq_local_tool(sq)) != 0 || (r = sq_target_check(sq)) != 0)
		goto out;
	r = act == SIPHON_LOCAL_ROLLBACK ? rollback(sq, kept.buf) : reset(sq, kept.buf);
out:
	siphon_strbuf_free(&kept);
	return r;
}
