/*
 * transport_file.c - the file driver, for tests and for keeping what would
 * have been printed: bytes are appended to the file named by device.  A
 * status query (a write of exactly DLE EOT n) is not appended; its reply is
 * computed from the fault file DEVICE.fault (escpos_faults_parse words; no
 * file = all well).  "paper-out-after=N" in the fault file makes paper end
 * appear once N more bytes have been written, to fail a job half way.
 */
#include "printers/transport.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "printers/printer_conf.h"
#include "printers/escpos.h"
#include "common/xmalloc.h"

struct file_h {
	int fd;
	char *fault_path;
	uint8_t reply[16];
	size_t nreply;
	long left;               /* bytes until paper end, -1 = not armed */
	int paper_out;           /* set by paper-out-after */
	char armed_text[256];    /* fault file text that armed it */
};

/* Read the fault file; faults, and arm paper-out-after. */
static unsigned
file_faults(struct file_h *h)
{
	char buf[256], err[128];
	unsigned faults = 0;
	long after;
	int slow, fd;
	ssize_t n;

	if ((fd = open(h->fault_path, O_RDONLY | O_CLOEXEC)) < 0)
		buf[0] = '\0';
	else {
		n = read(fd, buf, sizeof buf - 1);
		close(fd);
		buf[n > 0 ? n : 0] = '\0';
	}
	if (escpos_faults_parse(buf, &faults, &slow, &after, err,
	    sizeof err) < 0)
		faults = ESCPOS_ST_ERROR;
	if (strcmp(buf, h->armed_text) != 0) {
		/* a new fault text: re-arm or disarm */
		snprintf(h->armed_text, sizeof h->armed_text, "%s", buf);
		h->left = after;
		h->paper_out = 0;
	}
	if (h->paper_out)
		faults |= ESCPOS_ST_PAPER_END;
	return faults;
}

/* Open (create) the output file. */
static void *
file_open(const struct printer_conf *pc, char *err, size_t errlen)
{
	struct file_h *h;
	int fd;

	if (pc->device == NULL || pc->device[0] == '\0') {
		snprintf(err, errlen, "file driver: no device path");
		return NULL;
	}
	fd = open(pc->device, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
	if (fd < 0) {
		snprintf(err, errlen, "%s: %s", pc->device, strerror(errno));
		return NULL;
	}
	h = xcalloc(1, sizeof *h);
	h->fd = fd;
	h->left = -1;
	xasprintf(&h->fault_path, "%s.fault", pc->device);
	file_faults(h);
	if (strstr(h->armed_text, "gone") != NULL) {
		snprintf(err, errlen, "%s: gone (fault file)", pc->device);
		close(fd);
		free(h->fault_path);
		free(h);
		return NULL;
	}
	return h;
}

/* Append, or queue the reply to a status query. */
static ssize_t
file_write(void *vh, const uint8_t *buf, size_t len, int timeout_ms)
{
	struct file_h *h = vh;
	unsigned faults;
	size_t done = 0;
	ssize_t n;

	(void)timeout_ms;
	faults = file_faults(h);
	if (faults & ESCPOS_ST_GONE)
		return -1;
	if (len == 3 && buf[0] == 0x10 && buf[1] == 0x04 && buf[2] >= 1 &&
	    buf[2] <= 4) {
		if (h->nreply < sizeof h->reply)
			h->reply[h->nreply++] = escpos_status_reply(faults, buf[2]);
		return 3;
	}
	if (h->left >= 0 && (long)len > h->left) {
		/* paper runs out part way: the rest is lost */
		len = (size_t)h->left;
		h->paper_out = 1;
		h->left = -1;
		if (len == 0)
			return 0;
	} else if (h->left >= 0)
		h->left -= (long)len;
	while (done < len) {
		n = write(h->fd, buf + done, len - done);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		done += (size_t)n;
	}
	return (ssize_t)done;
}

/* Hand out queued status replies. */
static ssize_t
file_read(void *vh, uint8_t *buf, size_t len, int timeout_ms)
{
	struct file_h *h = vh;
	size_t n = h->nreply < len ? h->nreply : len;

	(void)timeout_ms;
	if (file_faults(h) & ESCPOS_ST_GONE)
		return -1;
	memcpy(buf, h->reply, n);
	memmove(h->reply, h->reply + n, h->nreply - n);
	h->nreply -= n;
	return (ssize_t)n;
}

/* Close. */
static void
file_close(void *vh)
{
	struct file_h *h = vh;

	close(h->fd);
	free(h->fault_path);
	free(h);
}

const struct transport_ops transport_file = {
	"file", file_open, file_write, file_read, NULL, file_close,
};
