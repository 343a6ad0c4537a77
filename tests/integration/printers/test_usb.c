/*
 * test_usb.c - the USB driver (transport_usb.c, real libusb-1.0) under
 * umockdev: the sysfs of a USB thermal printer (0416:5011, interface class
 * 7/1/2, bulk OUT 0x01 and IN 0x82) and of a keyboard comes from
 * usb-printer.umockdev, and an ioctl handler on /dev/bus/usb/001/002 plays
 * the printer at the usbdevfs level: it takes bulk OUT URBs into an ESC/POS
 * decoder (the emulator's), answers DLE EOT on bulk IN, answers the printer
 * class request GET_PORT_STATUS on the control endpoint, cancels URBs that
 * libusb discards on timeout, and keeps usblp bound until libusb detaches
 * it (claiming the interface while usblp holds it fails with EBUSY, as in
 * the kernel).  Tested: discovery by class and by id, usblp detached and
 * re-attached, a ticket printed and decoded, faults read by DLE EOT, and
 * a printer that ignores DLE EOT read through GET_PORT_STATUS.
 *
 * The binary re-executes itself under libumockdev-preload.so.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <linux/usbdevice_fs.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <umockdev.h>

#include "printers/printer_conf.h"
#include "printers/escpos.h"
#include "printers/escpos_decode.h"
#include "printers/printer.h"
#include "printers/ticket_samples.h"
#include "printers/transport.h"
#include "umock.h"

#define NODE "/dev/bus/usb/001/002"
#define DESC "tests/integration/printers/usb-printer.umockdev"

/* The emulated printer; everything under mu (the handler runs in
 * umockdev's thread). */
static struct {
	pthread_mutex_t mu;
	struct escpos_decoder *dec;
	GList *done;             /* URBs ready to reap (UMockdevIoctlData) */
	GList *in_wait;          /* bulk IN URBs waiting for data */
	uint8_t in_q[64];
	size_t in_n;
	unsigned faults;         /* answered to DLE EOT */
	int mute;                /* 1: ignores DLE EOT */
	uint8_t port_status;     /* GET_PORT_STATUS byte */
	int bound;               /* usblp holds interface 0 */
	int detaches, attaches, claims, releases, port_asks, unknown;
	size_t out_bytes;
	int pages;
	char text[8192];         /* last page's text */
} prt = { .mu = PTHREAD_MUTEX_INITIALIZER };

static UMockdevTestbed *tb;
static UMockdevIoctlBase *handler;
static struct printer *prn;

/* Decoder callbacks (called with mu held, from the handler). */
static void
dec_page(void *arg, const struct bitmap *bm, const char *text)
{
	(void)arg;
	(void)bm;
	prt.pages++;
	snprintf(prt.text, sizeof prt.text, "%s", text);
}

static void
dec_status(void *arg, int n, size_t off)
{
	(void)arg;
	(void)off;
	if (!prt.mute && prt.in_n < sizeof prt.in_q)
		prt.in_q[prt.in_n++] = escpos_status_reply(prt.faults, n);
}

static void
dec_report(void *arg, size_t off, const char *msg)
{
	(void)arg;
	fprintf(stderr, "usb printer: offset %zu: %s\n", off, msg);
}

static const struct escpos_decoder_cb dec_cb = {
	dec_page, dec_status, dec_report,
};

/* Complete waiting bulk IN URBs from the reply queue. */
static void
feed_in(void)
{
	while (prt.in_n > 0 && prt.in_wait != NULL) {
		UMockdevIoctlData *u = prt.in_wait->data;
		struct usbdevfs_urb *urb = (struct usbdevfs_urb *)u->data;
		size_t n = prt.in_n < (size_t)urb->buffer_length ?
		    prt.in_n : (size_t)urb->buffer_length;

		memcpy(urb->buffer, prt.in_q, n);
		memmove(prt.in_q, prt.in_q + n, prt.in_n - n);
		prt.in_n -= n;
		urb->actual_length = (int)n;
		urb->status = 0;
		prt.in_wait = g_list_delete_link(prt.in_wait, prt.in_wait);
		prt.done = g_list_append(prt.done, u);
	}
}

/* A submitted URB. */
static gboolean
on_submit(UMockdevIoctlClient *c, UMockdevIoctlData *arg)
{
	UMockdevIoctlData *u, *buf;
	struct usbdevfs_urb *urb;

	u = umockdev_ioctl_data_resolve(arg, 0, sizeof *urb, NULL);
	if (u == NULL)
		return FALSE;
	urb = (struct usbdevfs_urb *)u->data;
	buf = umockdev_ioctl_data_resolve(u, offsetof(struct usbdevfs_urb,
	    buffer), (gsize)urb->buffer_length, NULL);
	if (buf == NULL) {
		umockdev_ioctl_data_unref(u);
		return FALSE;
	}
	urb->status = 0;
	urb->actual_length = 0;
	if (urb->type == USBDEVFS_URB_TYPE_BULK && urb->endpoint == 0x01) {
		escpos_decoder_feed(prt.dec, buf->data,
		    (size_t)urb->buffer_length);
		prt.out_bytes += (size_t)urb->buffer_length;
		urb->actual_length = urb->buffer_length;
		prt.done = g_list_append(prt.done, u);
		feed_in();
	} else if (urb->type == USBDEVFS_URB_TYPE_BULK &&
	    urb->endpoint == 0x82) {
		prt.in_wait = g_list_append(prt.in_wait, u);
		feed_in();
	} else if (urb->type == USBDEVFS_URB_TYPE_CONTROL &&
	    urb->buffer_length >= 8) {
		const uint8_t *s = buf->data;
		if (s[0] == 0xA1 && s[1] == 1 && urb->buffer_length >= 9) {
			/* printer class GET_PORT_STATUS, interface 0 */
			((uint8_t *)buf->data)[8] = prt.port_status;
			urb->actual_length = 1;
			prt.port_asks++;
		} else
			urb->status = -EPIPE;    /* stall */
		prt.done = g_list_append(prt.done, u);
	} else {
		umockdev_ioctl_data_unref(buf);
		umockdev_ioctl_data_unref(u);
		return FALSE;
	}
	umockdev_ioctl_data_unref(buf);
	umockdev_ioctl_client_complete(c, 0, 0);
	return TRUE;
}

/* Hand out a finished URB. */
static gboolean
on_reap(UMockdevIoctlClient *c, UMockdevIoctlData *arg)
{
	UMockdevIoctlData *u, *ptr;

	feed_in();
	if (prt.done == NULL) {
		umockdev_ioctl_client_complete(c, -1, EAGAIN);
		return TRUE;
	}
	u = prt.done->data;
	prt.done = g_list_delete_link(prt.done, prt.done);
	ptr = umockdev_ioctl_data_resolve(arg, 0, sizeof(void *), NULL);
	umockdev_ioctl_data_set_ptr(ptr, 0, u);
	umockdev_ioctl_client_complete(c, 0, 0);
	umockdev_ioctl_data_unref(ptr);
	umockdev_ioctl_data_unref(u);
	return TRUE;
}

/* Cancel a waiting URB (libusb's timeout). */
static gboolean
on_discard(UMockdevIoctlClient *c, UMockdevIoctlData *arg)
{
	gulong addr = (gulong)*(void **)arg->data;
	GList *l;

	for (l = prt.in_wait; l != NULL; l = l->next) {
		UMockdevIoctlData *u = l->data;
		if (u->client_addr == addr) {
			((struct usbdevfs_urb *)u->data)->status = -ENOENT;
			prt.in_wait = g_list_delete_link(prt.in_wait, l);
			prt.done = g_list_append(prt.done, u);
			umockdev_ioctl_client_complete(c, 0, 0);
			return TRUE;
		}
	}
	umockdev_ioctl_client_complete(c, -1, EINVAL);
	return TRUE;
}

/* usbdevfs ioctls of the printer. */
static gboolean
on_ioctl(UMockdevIoctlBase *b, UMockdevIoctlClient *c, gpointer data)
{
	unsigned long req = umockdev_ioctl_client_get_request(c);
	UMockdevIoctlData *arg = umockdev_ioctl_client_get_arg(c), *d;
	gboolean handled = TRUE;

	(void)b;
	(void)data;
	pthread_mutex_lock(&prt.mu);
	switch (req) {
	case USBDEVFS_GET_CAPABILITIES:
		d = umockdev_ioctl_data_resolve(arg, 0, sizeof(uint32_t), NULL);
		*(uint32_t *)d->data = USBDEVFS_CAP_BULK_CONTINUATION |
		    USBDEVFS_CAP_NO_PACKET_SIZE_LIM |
		    USBDEVFS_CAP_REAP_AFTER_DISCONNECT;
		umockdev_ioctl_data_unref(d);
		umockdev_ioctl_client_complete(c, 0, 0);
		break;
	case USBDEVFS_GETDRIVER:
		d = umockdev_ioctl_data_resolve(arg, 0,
		    sizeof(struct usbdevfs_getdriver), NULL);
		if (prt.bound) {
			snprintf(((struct usbdevfs_getdriver *)d->data)->driver,
			    USBDEVFS_MAXDRIVERNAME + 1, "usblp");
			umockdev_ioctl_client_complete(c, 0, 0);
		} else
			umockdev_ioctl_client_complete(c, -1, ENODATA);
		umockdev_ioctl_data_unref(d);
		break;
	case USBDEVFS_IOCTL:
		d = umockdev_ioctl_data_resolve(arg, 0,
		    sizeof(struct usbdevfs_ioctl), NULL);
		switch (((struct usbdevfs_ioctl *)d->data)->ioctl_code) {
		case USBDEVFS_DISCONNECT:
			if (prt.bound) {
				prt.bound = 0;
				prt.detaches++;
				umockdev_ioctl_client_complete(c, 0, 0);
			} else
				umockdev_ioctl_client_complete(c, -1, ENODATA);
			break;
		case USBDEVFS_CONNECT:
			prt.bound = 1;
			prt.attaches++;
			umockdev_ioctl_client_complete(c, 0, 0);
			break;
		default:
			prt.unknown++;
			umockdev_ioctl_client_complete(c, -1, ENOTTY);
		}
		umockdev_ioctl_data_unref(d);
		break;
	case USBDEVFS_CLAIMINTERFACE:
		if (prt.bound)  /* the kernel refuses while usblp has it */
			umockdev_ioctl_client_complete(c, -1, EBUSY);
		else {
			prt.claims++;
			umockdev_ioctl_client_complete(c, 0, 0);
		}
		break;
	case USBDEVFS_RELEASEINTERFACE:
		prt.releases++;
		umockdev_ioctl_client_complete(c, 0, 0);
		break;
	case USBDEVFS_CLEAR_HALT:
	case USBDEVFS_RESETEP:
		umockdev_ioctl_client_complete(c, 0, 0);
		break;
	case USBDEVFS_SUBMITURB:
		handled = on_submit(c, arg);
		break;
	case USBDEVFS_REAPURB:
	case USBDEVFS_REAPURBNDELAY:
		handled = on_reap(c, arg);
		break;
	case USBDEVFS_DISCARDURB:
		handled = on_discard(c, arg);
		break;
	default:
		handled = FALSE;
	}
	if (!handled) {
		prt.unknown++;
		fprintf(stderr, "usb printer: unhandled ioctl %#lx\n", req);
	}
	pthread_mutex_unlock(&prt.mu);
	return handled;
}

static struct printer_conf
usb_config(const char *dev)
{
	struct printer_conf pc;

	pc = ticket_samples_get(ticket_samples_find("t58-raster"))->printer;
	pc.driver = (char *)"usb";
	pc.device = (char *)dev;
	return pc;
}

static const struct ticket_print *
ticket(void)
{
	return &ticket_samples_get(ticket_samples_find("t58-raster"))->ticket;
}

/* Read a counter under the lock. */
static int
get(const int *v)
{
	int x;

	pthread_mutex_lock(&prt.mu);
	x = *v;
	pthread_mutex_unlock(&prt.mu);
	return x;
}

static int
setup(void **state)
{
	GError *gerr = NULL;
	char err[256];

	(void)state;
	pthread_mutex_lock(&prt.mu);
	prt.dec = escpos_decoder_new(384, &dec_cb, NULL, NULL, err, sizeof err);
	prt.bound = 1;
	prt.faults = 0;
	prt.mute = 0;
	prt.port_status = 0x18;  /* selected, no error, paper present */
	prt.in_n = 0;
	prt.detaches = prt.attaches = prt.claims = prt.releases = 0;
	prt.port_asks = prt.unknown = prt.pages = 0;
	prt.out_bytes = 0;
	prt.text[0] = '\0';
	pthread_mutex_unlock(&prt.mu);
	assert_non_null(prt.dec);
	tb = umockdev_testbed_new();
	handler = umockdev_ioctl_base_new();
	g_signal_connect(handler, "handle-ioctl", G_CALLBACK(on_ioctl), NULL);
	assert_true(umockdev_testbed_attach_ioctl(tb, NODE, handler, &gerr));
	if (!umockdev_testbed_add_from_file(tb, DESC, &gerr))
		fail_msg("%s: %s", DESC, gerr ? gerr->message : "?");
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	if (prn) {
		printer_stop(prn);
		prn = NULL;
	}
	g_object_unref(handler);
	g_object_unref(tb);
	pthread_mutex_lock(&prt.mu);
	escpos_decoder_free(prt.dec);
	prt.dec = NULL;
	g_list_free_full(prt.done, (GDestroyNotify)umockdev_ioctl_data_unref);
	g_list_free_full(prt.in_wait, (GDestroyNotify)umockdev_ioctl_data_unref);
	prt.done = prt.in_wait = NULL;
	pthread_mutex_unlock(&prt.mu);
	return 0;
}

/* Discovery: by class past the keyboard, by id; a wrong id is absent. */
static void
test_discover(void **state)
{
	struct printer_conf pc;
	char err[256];
	void *h;

	(void)state;
	pc = usb_config("");
	h = transport_usb.open(&pc, err, sizeof err);
	if (h == NULL)
		fail_msg("open by class: %s", err);
	assert_int_equal(get(&prt.detaches), 1);    /* usblp let go */
	assert_int_equal(get(&prt.claims), 1);
	transport_usb.close(h);
	assert_int_equal(get(&prt.releases), 1);
	assert_int_equal(get(&prt.attaches), 1);    /* and given back */
	assert_int_equal(get(&prt.bound), 1);

	pc = usb_config("0416:5011");
	h = transport_usb.open(&pc, err, sizeof err);
	if (h == NULL)
		fail_msg("open by id: %s", err);
	transport_usb.close(h);
	assert_int_equal(get(&prt.detaches), 2);

	pc = usb_config("0416:9999");
	assert_null(transport_usb.open(&pc, err, sizeof err));
	assert_non_null(strstr(err, "no printer 0416:9999"));
	pc = usb_config("046d:c31c");           /* the keyboard: no bulk OUT */
	assert_null(transport_usb.open(&pc, err, sizeof err));
	pc = usb_config("0416-5011");
	assert_null(transport_usb.open(&pc, err, sizeof err));
	assert_non_null(strstr(err, "bad device"));
	assert_int_equal(get(&prt.unknown), 0);
}

/* The printer thread: a ticket through bulk OUT, status on bulk IN. */
static void
test_print(void **state)
{
	struct printer_conf pc = usb_config("");
	struct printer_options opt = { 50, 3000, 300 };
	struct printer_event ev;
	char err[256], text[8192];
	size_t out;
	int pages;

	(void)state;
	prn = printer_start(&pc, &opt, err, sizeof err);
	assert_non_null(prn);
	assert_int_equal(printer_submit(prn, ticket(), 1), 0);
	assert_true(umock_wait_event(prn, PRINTER_EV_JOB_DONE, &ev));
	assert_int_equal(ev.job_id, 1);
	assert_int_equal(ev.status, 0);
	pthread_mutex_lock(&prt.mu);
	pages = prt.pages;
	snprintf(text, sizeof text, "%s", prt.text);
	out = prt.out_bytes;
	pthread_mutex_unlock(&prt.mu);
	assert_int_equal(pages, 1);
	assert_true(out >= ev.bytes);
	assert_non_null(strstr(text, "\n1024\n"));
	assert_non_null(strstr(text, "[cut]"));
	assert_int_equal(get(&prt.port_asks), 0);   /* DLE EOT answered */

	/* cover open, read by DLE EOT over bulk IN: refused */
	pthread_mutex_lock(&prt.mu);
	prt.faults = ESCPOS_ST_COVER_OPEN;
	pthread_mutex_unlock(&prt.mu);
	assert_int_equal(printer_submit(prn, ticket(), 2), 0);
	assert_true(umock_wait_event(prn, PRINTER_EV_JOB_FAILED, &ev));
	assert_int_equal(ev.job_id, 2);
	assert_int_equal(ev.kept, 0);
	assert_true(ev.status & PRINTER_ST_COVER_OPEN);
	assert_int_equal(get(&prt.pages), 1);
	printer_stop(prn);
	prn = NULL;
	assert_int_equal(get(&prt.bound), 1);       /* usblp back */
	assert_int_equal(get(&prt.unknown), 0);
}

/* A printer that ignores DLE EOT: libusb's bulk IN times out (URB
 * discarded), the class request GET_PORT_STATUS tells. */
static void
test_port_status(void **state)
{
	struct printer_conf pc = usb_config("0416:5011");
	struct printer_options opt = { 50, 1000, 100 };
	struct printer_event ev;
	char err[256];

	(void)state;
	pthread_mutex_lock(&prt.mu);
	prt.mute = 1;
	prt.port_status = 0x38;  /* paper empty, selected, no error */
	pthread_mutex_unlock(&prt.mu);
	prn = printer_start(&pc, &opt, err, sizeof err);
	assert_non_null(prn);
	assert_int_equal(printer_submit(prn, ticket(), 1), 0);
	assert_true(umock_wait_event(prn, PRINTER_EV_JOB_FAILED, &ev));
	assert_int_equal(ev.kept, 0);
	assert_true(ev.status & PRINTER_ST_PAPER_END);
	assert_true(get(&prt.port_asks) > 0);

	pthread_mutex_lock(&prt.mu);
	prt.port_status = 0x18;
	pthread_mutex_unlock(&prt.mu);
	assert_true(umock_wait_event(prn, PRINTER_EV_STATUS, &ev));
	assert_int_equal(ev.status, 0);
	assert_int_equal(printer_submit(prn, ticket(), 2), 0);
	assert_true(umock_wait_event(prn, PRINTER_EV_JOB_DONE, &ev));
	assert_int_equal(ev.job_id, 2);
	assert_int_equal(get(&prt.pages), 1);

	pthread_mutex_lock(&prt.mu);
	prt.port_status = 0x10;  /* error */
	pthread_mutex_unlock(&prt.mu);
	assert_true(umock_wait_event(prn, PRINTER_EV_STATUS, &ev));
	assert_true(ev.status & PRINTER_ST_ERROR);
	assert_int_equal(get(&prt.unknown), 0);
}

int
main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_discover, setup, teardown),
		cmocka_unit_test_setup_teardown(test_print, setup, teardown),
		cmocka_unit_test_setup_teardown(test_port_status, setup,
		    teardown),
	};

	(void)argc;
	umock_ensure_preload(argv);
	setenv("TZ", "ICT-7", 1);
	signal(SIGPIPE, SIG_IGN);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
