/*
 * waittext.h - the estimated wait as a visitor reads it, in Vietnamese or
 * English: a single figure ("3 phút") or, for a long wait, the range the
 * engine gives (engine_estimate_range: "khoảng 40–55 phút", or "dưới 15
 * phút" when it starts at 0).  The one wording of the ticket, the kiosk
 * and the console tools; the status page's script says the same.
 */
#ifndef ONESTOP_WAITTEXT_H
#define ONESTOP_WAITTEXT_H

#include <stddef.h>

/*
 * Write the wait into buf (NUL-terminated, cut to size): with
 * low_s < high_s the range, in whole minutes ("khoảng 40–55 phút" /
 * "about 40–55 min", "dưới 15 phút" / "under 15 min" for low_s 0);
 * otherwise est_s in minutes rounded up ("3 phút" / "3 min").  english:
 * 0 Vietnamese (NFC), 1 English.  Returns 1 for a range, 0 for a figure.
 */
int waittext_format(char *buf, size_t size, int est_s, int low_s, int high_s,
    int english);

#endif
