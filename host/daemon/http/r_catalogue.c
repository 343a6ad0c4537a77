/*
 * r_catalogue.c - the procedure catalogue: GET /api/v1/procedures (search,
 * with or without diacritics; by department), GET /api/v1/procedures/{code},
 * GET /api/v1/departments, POST /api/v1/procedures/import (admin; the core
 * checks, replaces and writes the catalogue).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>
#include <microhttpd.h>

#include "common/log.h"
#include "common/strnum.h"
#include "common/xmalloc.h"
#include "daemon/http/api_private.h"
#include "daemon/http/apijson.h"
#include "daemon/http/statswork.h"
#include "core/search.h"

void
api_procedures(struct req *r)
{
	const struct config *cfg = core_config(r->a->core);
	const char *q = MHD_lookup_connection_value(r->conn, MHD_GET_ARGUMENT_KIND, "q");
	const char *lim = MHD_lookup_connection_value(r->conn, MHD_GET_ARGUMENT_KIND, "limit");
	const char *dep = MHD_lookup_connection_value(r->conn, MHD_GET_ARGUMENT_KIND, "department");
	long long limit = 20;
	struct search_hit *hits;
	cJSON *o, *arr;
	int i, n, d = -1;

	if (lim != NULL && strnum_parse(lim, 1, 2000, &limit) != 0) {
		api_error(r, 400, "bad_value", "Tham số \"limit\" phải từ 1 đến 2000.");
		return;
	}
	if (dep != NULL && (d = config_department_index(cfg, dep)) < 0) {
		api_error(r, 404, "not_found", "Không có sở, ngành \"%.32s\".", dep);
		return;
	}
	o = cJSON_CreateObject();
	arr = cJSON_AddArrayToObject(o, "procedures");
	if (q != NULL && *q != '\0') {
		hits = xcalloc((size_t)(d >= 0 ? cfg->nprocedures : limit), sizeof *hits);
		n = search_catalogue(cfg, q, hits, d >= 0 ? cfg->nprocedures : (int)limit);
		if (n < 0) {
			free(hits);
			cJSON_Delete(o);
			api_error(r, 400, "bad_value", "Chuỗi tìm kiếm không phải UTF-8 hợp lệ.");
			return;
		}
		for (i = 0; i < n && cJSON_GetArraySize(arr) < limit; i++)
			if (d < 0 || cfg->procedures[hits[i].procedure].department == d)
				cJSON_AddItemToArray(arr, apijson_procedure(cfg, hits[i].procedure));
		free(hits);
	} else {
		for (i = 0; i < cfg->nprocedures && cJSON_GetArraySize(arr) < limit; i++)
			if (d < 0 || cfg->procedures[i].department == d)
				cJSON_AddItemToArray(arr, apijson_procedure(cfg, i));
	}
	api_reply_json(r, 200, o);
}

/* POST /api/v1/procedures/import: the CSV in the body replaces the catalogue. */
void
api_import(struct req *r)
{
	char err[512];
	int n, rc;
	cJSON *o;

	/* The statistics worker reads the catalogue's names: it waits between
	   two jobs while the catalogue is replaced. */
	statswork_hold(r->a->statswork);
	rc = core_import_catalogue(r->a->core, r->body, r->len, &n, err, sizeof err);
	statswork_release(r->a->statswork);
	if (rc != 0) {
		if (rc == -CORE_EBADINPUT)
			api_error(r, 400, "bad_row", "%s", err);
		else
			api_error(r, 500, "store_failed", "%s", err);
		return;
	}
	o = cJSON_CreateObject();
	cJSON_AddNumberToObject(o, "imported", n);
	api_reply_json(r, 200, o);
}

/* GET /api/v1/procedures/{code}. */
void
api_procedure(struct req *r)
{
	int p = config_procedure_index(core_config(r->a->core), r->arg[0]);

	if (p < 0)
		api_error(r, 404, "not_found", "Không có thủ tục mã \"%.32s\".", r->arg[0]);
	else
		api_reply_json(r, 200, apijson_procedure(core_config(r->a->core), p));
}

/* GET /api/v1/departments. */
void
api_departments(struct req *r)
{
	api_reply_json(r, 200, apijson_departments(core_config(r->a->core)));
}
