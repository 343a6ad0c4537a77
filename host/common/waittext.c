/*
 * waittext.c - the estimated wait in words (waittext.h): one figure, or the
 * range of a long wait.  The text is NFC UTF-8 (the dash is U+2013).
 */
#include "common/waittext.h"

#include <stdio.h>

int
waittext_format(char *buf, size_t size, int est_s, int low_s, int high_s,
    int english)
{
	int lo = low_s / 60, hi = (high_s + 59) / 60;

	if (size == 0)
		return low_s < high_s;
	if (low_s < high_s && lo == 0) {
		snprintf(buf, size, english ? "under %d min" : "dưới %d phút", hi);
		return 1;
	}
	if (low_s < high_s) {
		snprintf(buf, size, english ? "about %d\u2013%d min" :
		    "khoảng %d\u2013%d phút", lo, hi);
		return 1;
	}
	snprintf(buf, size, english ? "%d min" : "%d phút",
	    est_s > 0 ? (est_s + 59) / 60 : 0);
	return 0;
}
