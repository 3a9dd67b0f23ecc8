/* msg.c - one-line messages for the cron parser and the crontab editor. */
#include "sched/msg.h"

#include <stdarg.h>
#include <stdio.h>

int
siphon_sched_msg(char *err, size_t errcap, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, errcap, fmt, ap);
	va_end(ap);
	for (char *p = err; *p != '\0'; p++)
		if ((unsigned char)*p < ' ' || *p == 0x7f)
			*p = '?';
	return -1;
}
