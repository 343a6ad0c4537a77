/*
 * fuzz_csv.c - libFuzzer target: arbitrary bytes as a procedure catalogue
 * through config_parse_catalogue() against a small fixed config; when the
 * catalogue parses, a search runs over it before it is freed.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/vntext.h"
#include "core/config.h"
#include "core/search.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char fuzz_ini[] =
	"[centre]\nname = Trung tâm\ncatalogue = p.csv\n"
	"[department TP]\nname = Sở Tư pháp\n"
	"[department XD]\nname = Sở Xây dựng\n"
	"[queue TP-HT]\nname = Hộ tịch\ndepartment = TP\n"
	"numbers = 1001-1999\ntarget_wait = 30\n"
	"[queue XD-GP]\nname = Cấp phép\ndepartment = XD\n"
	"numbers = 3001-3999\ntarget_wait = 45\n"
	"[counter 1]\ndepartment = TP\nserves = TP-HT, XD-GP:backup\n";

static struct config *fuzz_cfg;

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct config_procedure *procs = NULL;
	struct search_hit hits[8];
	char err[512];
	int n = 0;

	if (fuzz_cfg == NULL && config_parse_ini(fuzz_ini, strlen(fuzz_ini),
	    "fuzz.ini", &fuzz_cfg, err, sizeof(err)) != 0)
		abort();
	if (config_parse_catalogue(fuzz_cfg, (const char *)data, size,
	    "fuzz.csv", &procs, &n, err, sizeof(err)) != 0) {
		if (procs != NULL || n != 0 || err[0] == '\0')
			abort();
		return 0;
	}
	fuzz_cfg->procedures = procs;
	fuzz_cfg->nprocedures = n;
	if (search_catalogue(fuzz_cfg, "đăng ký", hits, 8) < 0 ||
	    search_catalogue(fuzz_cfg, "dang ki kethon so do", hits, 8) < 0)
		abort();
	/* The input's first bytes as a query too (keywords and names as
	 * typed); -1 only for invalid UTF-8. */
	{
		char q[128];
		size_t ql = size < sizeof(q) - 1 ? size : sizeof(q) - 1;

		memcpy(q, data, ql);
		q[ql] = '\0';
		if (search_catalogue(fuzz_cfg, q, hits, 8) < 0 &&
		    vntext_valid_utf8(q, strlen(q)))
			abort();
	}
	fuzz_cfg->procedures = NULL;
	fuzz_cfg->nprocedures = 0;
	config_procedures_free(procs, n);
	return 0;
}
