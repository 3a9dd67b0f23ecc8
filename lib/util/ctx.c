/* ctx.c - error message, logging and cancellation of one run. */
#include "util/ctx.h"

#include "util/event.h"
#include "util/termsafe.h"

#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int
siphon_ctx_new(struct siphon_ctx **out)
{
	struct siphon_ctx *ctx;

	*out = NULL;
	if ((ctx = calloc(1, sizeof(*ctx))) == NULL)
		return SIPHON_ENOMEM;
	ctx->cancel_fd = -1;
	ctx->log_max = SIPHON_LOG_INFO;
	*out = ctx;
	return 0;
}

void
siphon_ctx_free(struct siphon_ctx *ctx)
{
	if (ctx == NULL)
		return;
	siphon_event_state_free(ctx);
	free(ctx);
}

const char *
siphon_ctx_errmsg(const struct siphon_ctx *ctx)
{
	return ctx->errmsg;
}

int
siphon_ctx_errcode(const struct siphon_ctx *ctx)
{
	return ctx->errcode;
}

void
siphon_ctx_set_log(struct siphon_ctx *ctx, siphon_log_fn fn, void *arg,
                   enum siphon_log_level max_level)
{
	ctx->log_fn = fn;
	ctx->log_arg = arg;
	ctx->log_max = max_level;
}

void
siphon_ctx_set_prompt(struct siphon_ctx *ctx, siphon_prompt_fn fn, void *arg)
{
	ctx->prompt_fn = fn;
	ctx->prompt_arg = arg;
}

void
siphon_ctx_set_choose(struct siphon_ctx *ctx, siphon_choose_fn fn, void *arg)
{
	ctx->choose_fn = fn;
	ctx->choose_arg = arg;
}

void
siphon_ctx_set_cancel_fd(struct siphon_ctx *ctx, int fd)
{
	ctx->cancel_fd = fd;
}

int
siphon_err(struct siphon_ctx *ctx, int code, const char *fmt, ...)
{
	char raw[SIPHON_ERRMSG_MAX];
	va_list ap;
	size_t n;

	if (ctx == NULL || ctx->errcode != 0)
		return code;
	ctx->errcode = code;
	va_start(ap, fmt);
	vsnprintf(raw, sizeof(raw), fmt, ap);
	va_end(ap);
	/* A trailing newline (remote stderr) is dropped, not shown as a space. */
	n = strlen(raw);
	while (n > 0 && (raw[n - 1] == '\n' || raw[n - 1] == '\r'))
		raw[--n] = '\0';
	/*
	 * One line, safe for a terminal: messages quote the server's own text
	 * (stderr, names), which may hold escape sequences.
	 */
	siphon_term_safe(ctx->errmsg, sizeof(ctx->errmsg), raw);
	return code;
}

int
siphon_err_oom(struct siphon_ctx *ctx)
{
	return siphon_err(ctx, SIPHON_ENOMEM, "out of memory");
}

void
siphon_err_prefix(struct siphon_ctx *ctx, const char *fmt, ...)
{
	char raw[SIPHON_ERRMSG_MAX], safe[SIPHON_ERRMSG_MAX];
	size_t plen, mlen;
	va_list ap;

	if (ctx == NULL || ctx->errcode == 0)
		return;
	va_start(ap, fmt);
	vsnprintf(raw, sizeof(raw), fmt, ap);
	va_end(ap);
	siphon_term_safe(safe, sizeof(safe), raw);
	plen = strlen(safe);
	if (plen > sizeof(ctx->errmsg) - 1)
		plen = sizeof(ctx->errmsg) - 1;
	/* The message moves right (its end cut if need be), the prefix goes first. */
	mlen = strlen(ctx->errmsg);
	if (plen + mlen > sizeof(ctx->errmsg) - 1)
		mlen = sizeof(ctx->errmsg) - 1 - plen;
	memmove(ctx->errmsg + plen, ctx->errmsg, mlen);
	memcpy(ctx->errmsg, safe, plen);
	ctx->errmsg[plen + mlen] = '\0';
}

void
siphon_err_clear(struct siphon_ctx *ctx)
{
	ctx->errcode = 0;
	ctx->errmsg[0] = '\0';
}

static void __attribute__((format(printf, 4, 0)))
vlog(struct siphon_ctx *ctx, enum siphon_log_level level, int event,
     const char *fmt, va_list ap)
{
	char raw[2048], line[2048];
	int to_log, to_event;

	if (ctx == NULL)
		return;
	to_log = ctx->log_fn != NULL && level <= ctx->log_max;
	to_event = event && level == SIPHON_LOG_WARN && ctx->event_fn != NULL;
	if (!to_log && !to_event)
		return;
	vsnprintf(raw, sizeof(raw), fmt, ap);
	siphon_term_safe(line, sizeof(line), raw);
	if (to_event)
		siphon_event_warning(ctx, SIPHON_WARNING_GENERAL, line);
	if (to_log)
		ctx->log_fn(ctx->log_arg, level, line);
}

void
siphon_log(struct siphon_ctx *ctx, enum siphon_log_level level,
           const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(ctx, level, 1, fmt, ap);
	va_end(ap);
}

void
siphon_log_only(struct siphon_ctx *ctx, enum siphon_log_level level,
                const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(ctx, level, 0, fmt, ap);
	va_end(ap);
}

int
siphon_cancelled(const struct siphon_ctx *ctx)
{
	struct pollfd p;

	if (ctx == NULL || ctx->cancel_fd < 0)
		return 0;
	p.fd = ctx->cancel_fd;
	p.events = POLLIN;
	p.revents = 0;
	return poll(&p, 1, 0) > 0 && (p.revents & (POLLIN | POLLHUP)) != 0;
}
