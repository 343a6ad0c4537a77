/*
 * pwhash.c - argon2id hashing and checking of passwords with the project's
 * limits (pwhash.h).  The caller has called sodium_init().
 */
#include "common/pwhash.h"

#include <string.h>

const char pwhash_dummy[] =
    "$argon2id$v=19$m=65536,t=2,p=1$uk2jSc2t3RhQ9V+MjVycYw$"
    "9MpJ/uRVXw3fkI4vz4WgIXkLbB2xO8CIGAPUYGV1qVo";

int
pwhash_make(const char *password, char out[PWHASH_LEN])
{
	if (password == NULL || password[0] == '\0')
		return -1;
	return crypto_pwhash_str(out, password, strlen(password),
	    crypto_pwhash_OPSLIMIT_INTERACTIVE, crypto_pwhash_MEMLIMIT_INTERACTIVE) == 0 ? 0 : -1;
}

int
pwhash_check(const char *hash, const char *password)
{
	return crypto_pwhash_str_verify(hash, password, strlen(password)) == 0;
}
