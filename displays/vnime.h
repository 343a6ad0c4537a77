/*
 * vnime.h - Vietnamese input for the kiosk's search box: Telex composition
 * of typed keys into NFC text.
 *
 * Telex: aa → â, aw → ă, ee → ê, oo → ô, ow → ơ, uw → ư, uow → ươ,
 * dd → đ (the word's first letter), w alone after a consonant or at the
 * start → ư; tones s (sắc) f (huyền) r (hỏi) x (ngã) j (nặng), z removes
 * the tone.  Typing a mark's key again undoes it and types the letter
 * ("ass" → "as", "aaa" → "aa", "ddd" → "dd").  Upper case is kept.
 *
 * The tone goes on the vowel modern rules put it on: a vowel with a mark
 * (â ă ê ô ơ ư; the second of ươ); else the only vowel; else, with a final
 * consonant, the last vowel (toán, hoàng); else, open syllables: oa, oe,
 * uy take it on the second vowel ("new style": hoà, khoẻ, thuý), three
 * vowels on the middle one (ngoài, khuỷu), other pairs on the first (của,
 * kìa, mái).  "qu" and "gi" before a vowel count as consonants (quá, giờ).
 * The tone moves when the word changes (hoaf → hoà, then n → hoàn).
 * Search ignores diacritics, so the old style (hòa) finds the same.
 *
 * Pure functions on a caller's buffer; no allocation kept.
 */
#ifndef ONESTOP_VNIME_H
#define ONESTOP_VNIME_H

#include <stddef.h>
#include <stdint.h>

/*
 * Apply one typed key (a Unicode code point) to text (UTF-8 NFC, in a
 * buffer of size bytes): composed with the last word when it is a Telex
 * key that applies, else the character appended.  0, or -1 when the result
 * would not fit or key is not a printable character (text unchanged).
 */
int vnime_key(char *text, size_t size, uint32_t key);
/* Typed text (an SDL_TEXTINPUT, any normalisation): each character
 * through vnime_key.  0, or -1 when some did not fit. */
int vnime_type(char *text, size_t size, const char *utf8);
/* Remove the last character as seen on screen ("ế" at once). */
void vnime_backspace(char *text);

#endif
