/*
 * fuzz_central.c - libFuzzer target for what onestop-central reads from a
 * request (host/tools/central_form.c), without PostgreSQL: an input is
 * "QUERY\nBODY", the query string of a report's URL and a POST body.
 *
 *   - the body's fields as the login and the logout read them (user,
 *     password, csrf, into buffers of the sizes central.c gives): a field
 *     that is read is NUL-free UTF-8 of the length returned, within its
 *     buffer;
 *   - the csrf field against the CSRF token of a fixed session token (and
 *     of the body's own "session" field): accepted only when it is exactly
 *     that token;
 *   - the query's from, to and centre (decoded the same way) as a range for
 *     a province account and for a centre account: an accepted range is two
 *     real days in order, at most CENTRAL_MAX_DAYS apart, and a centre the
 *     account may see;
 *   - the body's session field as a session cookie: with no database, no
 *     session is live (a token of the right form asks, and is told no).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "common/vntext.h"
#include "tools/central.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_MAX 4096

static const char fuzz_token[] =
	"00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";

/* Field name of s as central.c reads it, into out (outlen); the length. */
static int
field(const char *s, const char *name, char *out, size_t outlen)
{
	int n = central_form_field(s, name, out, outlen);

	if (n >= 0 && ((size_t)n >= outlen || strlen(out) != (size_t)n ||
	    !vntext_valid_utf8(out, (size_t)n)))
		abort();
	return n;
}

static void
range(const char *from, const char *to, const char *centre, const struct central_user *u)
{
	struct central_range rg;
	const char *msg = NULL;
	time_t t0, t1;
	unsigned code = central_range_parse(from, to, centre, u, (time_t)1764763200, &rg, &msg);

	if (code != 0) {
		if ((code != 400 && code != 403) || msg == NULL || msg[0] == '\0')
			abort();
		return;
	}
	if (!central_day_parse(rg.from, &t0) || !central_day_parse(rg.to, &t1) ||
	    t1 < t0 || (t1 - t0) / 86400 >= CENTRAL_MAX_DAYS || !central_code_ok(rg.centre))
		abort();
	if (!u->province && strcmp(rg.centre, u->centre) != 0)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int ready;
	static const struct central_user province = { "tinh", 1, "" };
	static const struct central_user centre = { "tg", 0, "TG-01" };
	char *in, *body, user[128], pw[256], given[CENTRAL_TOKEN_HEX + 8], sess[256];
	char from[FUZZ_MAX + 1], to[FUZZ_MAX + 1], ctr[FUZZ_MAX + 1], want[CENTRAL_TOKEN_HEX];
	struct central_user u;
	int nf, nt, nc;

	if (!ready) {
		if (sodium_init() < 0)
			abort();
		central_auth_init();
		ready = 1;
	}
	if (size > FUZZ_MAX)
		return 0;
	in = malloc(size + 1);
	if (in == NULL)
		abort();
	memcpy(in, data, size);
	in[size] = '\0';
	body = strchr(in, '\n');
	if (body != NULL)
		*body++ = '\0';
	else
		body = in + strlen(in);

	/* The login and the logout. */
	(void)field(body, "user", user, sizeof user);
	(void)field(body, "password", pw, sizeof pw);
	if (field(body, "csrf", given, sizeof given) >= 0) {
		central_csrf_of(fuzz_token, want);
		if (central_csrf_ok(fuzz_token, given) != (strcmp(given, want) == 0))
			abort();
		if (field(body, "session", sess, sizeof sess) >= 0 &&
		    central_csrf_ok(sess, given)) {
			central_csrf_of(sess, want);
			if (strcmp(given, want) != 0)
				abort();
		}
	}
	if (field(body, "session", sess, sizeof sess) >= 0 && central_session(sess, &u) > 0)
		abort();

	/* The report's range. */
	nf = field(in, "from", from, sizeof from);
	nt = field(in, "to", to, sizeof to);
	nc = field(in, "centre", ctr, sizeof ctr);
	range(nf >= 0 ? from : NULL, nt >= 0 ? to : NULL, nc >= 0 ? ctr : NULL, &province);
	range(nf >= 0 ? from : NULL, nt >= 0 ? to : NULL, nc >= 0 ? ctr : NULL, &centre);
	free(in);
	return 0;
}
