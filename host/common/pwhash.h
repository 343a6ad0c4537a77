/*
 * pwhash.h - the one password hash of the project: argon2id through
 * libsodium's crypto_pwhash_str with OPSLIMIT/MEMLIMIT_INTERACTIVE (about
 * 0.1 s of CPU and 64 MiB per hash or check, by design).  onestopd's users
 * (core/store.c) and the province dashboard's accounts (tools/central_auth.c)
 * both hash and check with these, so a rule changed here changes both.
 */
#ifndef ONESTOP_PWHASH_H
#define ONESTOP_PWHASH_H

#include <stddef.h>

#include <sodium.h>

#define PWHASH_LEN crypto_pwhash_STRBYTES       /* 128, with the NUL */
#define PWHASH_MIN_PASSWORD 8                   /* bytes a new password needs at least */

/*
 * A hash of a password nobody knows, made with the same limits: checked
 * against for an unknown name, so that an unknown name costs the same work
 * as a wrong password.
 */
extern const char pwhash_dummy[];

/* Hash password (not empty) into out.  0, or -1 (empty, or out of memory). */
int pwhash_make(const char *password, char out[PWHASH_LEN]);
/* 1 when password matches hash, 0 when not (or hash is not one). */
int pwhash_check(const char *hash, const char *password);

#endif
