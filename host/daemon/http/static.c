/*
 * static.c - the web pages: /, /staff, /manager, /report and /web/{file}
 * from the web root (text files only, names of one safe segment).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "common/xmalloc.h"
#include "daemon/http/api_private.h"

/* Content type by file name ending. */
static const char *
api_mime(const char *name)
{
	static const struct { const char *ext, *type; } types[] = {
		{ ".html", "text/html; charset=utf-8" }, { ".js", "text/javascript; charset=utf-8" },
		{ ".css", "text/css; charset=utf-8" }, { ".svg", "image/svg+xml" },
		{ ".png", "image/png" }, { ".json", "application/json" },
		{ ".ico", "image/x-icon" }, { ".woff2", "font/woff2" } };
	size_t i, n = strlen(name), e;

	for (i = 0; i < sizeof types / sizeof types[0]; i++) {
		e = strlen(types[i].ext);
		if (n > e && strcmp(name + n - e, types[i].ext) == 0)
			return types[i].type;
	}
	return "application/octet-stream";
}

/*
 * GET of a web page: the route names the file (/, /staff, /manager,
 * /report), or /web/{file} names it in its one segment of [A-Za-z0-9._-],
 * not starting with a dot, so nothing outside the root can be named.  A
 * missing or unreadable file is a 404.
 */
void
api_page(struct req *r)
{
	const char *file = r->route->file != NULL ? r->route->file : r->arg[0], *p;
	char *path, *data = NULL;
	struct stat sb;
	FILE *f = NULL;

	if (r->a->web_root == NULL || file == NULL || file[0] == '.')
		goto not_found;
	for (p = file; *p != '\0'; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || *p == '.' || *p == '_' || *p == '-'))
			goto not_found;
	xasprintf(&path, "%s/%s", r->a->web_root, file);
	f = fopen(path, "rb");
	free(path);
	if (f == NULL)
		goto not_found;
	if (fstat(fileno(f), &sb) != 0 || !S_ISREG(sb.st_mode) || sb.st_size > 8 * 1024 * 1024)
		goto not_found;
	data = xmalloc((size_t)sb.st_size + 1);
	if (fread(data, 1, (size_t)sb.st_size, f) != (size_t)sb.st_size)
		goto not_found;
	data[sb.st_size] = '\0';
	/* Text files only: the answer is sent by strlen. */
	if (memchr(data, '\0', (size_t)sb.st_size) != NULL)
		goto not_found;
	fclose(f);
	api_reply_raw(r, 200, api_mime(file), data);
	return;
not_found:
	if (f != NULL)
		fclose(f);
	free(data);
	api_error(r, 404, "not_found", "Không có địa chỉ này.");
}
