/*
 * ctl_text.h - text helpers of onestopctl: display width of UTF-8 text (so
 * that tables with Vietnamese names line up on a terminal), padding, and
 * one readable Vietnamese line per event of the stream.  Pure functions, no
 * I/O, so they are unit-tested on their own.
 */
#ifndef ONESTOP_CTL_TEXT_H
#define ONESTOP_CTL_TEXT_H

#include <stddef.h>
#include <stdint.h>

/* Columns that UTF-8 text s takes on a terminal (invalid bytes count 1). */
int ctl_text_width(const char *s);

/*
 * Append s to out (NUL-terminated, size outlen), padded with spaces to
 * `width` columns; right-aligned when right != 0.  Text wider than width is
 * appended whole.  The result is cut on a character boundary if out is full.
 */
void ctl_text_pad(char *out, size_t outlen, const char *s, int width, int right);

/* What the stream said, as the JSON event's fields. */
struct ctl_event {
	int64_t id;
	const char *type;       /* "called", ... */
	int64_t at;             /* unix seconds */
	int64_t ticket;
	int number;             /* 0 = none */
	const char *queue;      /* code or NULL */
	int counter;            /* counter number, 0 = none */
	int value;
	const char *reason;     /* or NULL */
};

/*
 * One Vietnamese line for an event, "09:14:02 Gọi số 1023 đến quầy 5", in
 * the process's local time.  Unknown types still give a line.
 */
void ctl_text_event(const struct ctl_event *ev, char *out, size_t outlen);

/*
 * Figures as the pages print them: seconds as "m:ss" ("h:mm:ss" from an
 * hour), rounded to the nearest second (1972.9 -> "32:53"); a number with
 * dec decimals and a decimal comma (4.6 -> "4,6").  NaN gives "—".
 */
void ctl_text_dur(double secs, char *out, size_t outlen);
void ctl_text_dec(double v, int dec, char *out, size_t outlen);
/* A count with a dot between thousands, as the pages (19256 -> "19.256"). */
void ctl_text_count(long v, char *out, size_t outlen);

/* Vietnamese names: counter state ("open" -> "Mở"), ticket state, rating. */
const char *ctl_text_counter_state(const char *state);
const char *ctl_text_ticket_state(const char *state);
const char *ctl_text_rating(int value);

#endif
