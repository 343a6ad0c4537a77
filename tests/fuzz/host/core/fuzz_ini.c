/*
 * fuzz_ini.c - libFuzzer target: arbitrary bytes as a centre INI file through
 * config_parse_ini(); a config that parses is freed again.  Also feeds the
 * bytes to the vntext helpers, which the parser uses on every name.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "core/config.h"
#include "common/vntext.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct config *cfg = NULL;
	char err[512];
	char *s;

	if (config_parse_ini((const char *)data, size, "fuzz.ini", &cfg, err,
	    sizeof(err)) == 0) {
		if (cfg == NULL || cfg->ncounters < 1)
			abort();
		config_free(cfg);
	} else if (cfg != NULL || err[0] == '\0') {
		abort();
	}
	if (size < 4096 && vntext_valid_utf8((const char *)data, size)) {
		char *f;

		s = malloc(size + 1);
		if (s == NULL)
			return 0;
		for (size_t i = 0; i < size; i++)
			s[i] = (char)data[i];
		s[size] = '\0';
		f = vntext_fold(s);
		free(f);
		f = vntext_ellipsize(s, size % 40);
		free(f);
		free(s);
	}
	return 0;
}
