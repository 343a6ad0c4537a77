/*
 * ktrans.h - English for what the kiosk shows from the catalogue, where the
 * catalogue's Vietnamese follows a pattern the kiosk knows: fees ("Miễn
 * phí", "150.000 đồng/hồ sơ", "Theo quy định của Bộ Tài chính"),
 * processing times ("07 ngày làm việc", "30 ngày", "Trong ngày làm
 * việc") and the default priority classes.  The catalogue has no English
 * names or documents: the kiosk shows those in Vietnamese and says so.
 */
#ifndef ONESTOP_KTRANS_H
#define ONESTOP_KTRANS_H

#include <stddef.h>

/* The fee in English into out: 1; or 0 with vi copied as it is. */
int ktrans_fee(const char *vi, char *out, size_t outlen);
/* The processing time in English into out: 1; or 0 with vi copied. */
int ktrans_time(const char *vi, char *out, size_t outlen);
/* English name of a priority class by its code (elderly, disabled,
 * pregnant, veteran), or NULL. */
const char *ktrans_priority(const char *code);

#endif
