/*
 * status_tag.h - the status trailer.  Each stage of a remote pipeline reports
 * its exit status on stderr as a line "siphon-status NAME CODE"; the tag is
 * long enough that no tool prints it by accident.  Written by remote/shell.c,
 * read by loop/rstream.c.
 */
#ifndef SIPHON_UTIL_STATUS_TAG_H
#define SIPHON_UTIL_STATUS_TAG_H

#define SIPHON_STATUS_TAG "siphon-status "

#endif
