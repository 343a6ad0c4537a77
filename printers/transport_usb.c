/*
 * transport_usb.c - USB printers through libusb-1.0.  device "vvvv:pppp"
 * picks a vendor/product (any interface with a bulk OUT endpoint if it has
 * no printer-class interface); "" picks the first printer-class interface
 * (class 7) on the bus.  Endpoints come from the descriptors.  The kernel's
 * usblp driver is detached while we hold the interface and re-attached on
 * close.  Bulk transfers always carry a timeout; a stalled endpoint is
 * cleared; GET_PORT_STATUS answers for models that ignore DLE EOT.
 * Hot-plug: the printer thread re-opens the device at every status poll
 * while it is absent, so a printer plugged in later is picked up.
 */
#include "printers/transport.h"

#include <libusb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "printers/printer_conf.h"
#include "printers/escpos.h"
#include "common/xmalloc.h"

struct usb_h {
	libusb_context *ctx;
	libusb_device_handle *dh;
	int iface;
	uint8_t ep_out, ep_in;
	int has_in;
	int detached;
};

/* Parse "vvvv:pppp"; 0, or -1 when malformed.  "" sets both to -1. */
static int
usb_ids(const char *dev, int *vid, int *pid)
{
	char *end;
	long v, p;

	*vid = *pid = -1;
	if (dev == NULL || dev[0] == '\0')
		return 0;
	v = strtol(dev, &end, 16);
	if (end != dev + 4 || *end != ':')
		return -1;
	p = strtol(end + 1, &end, 16);
	if (end != dev + 9 || *end != '\0')
		return -1;
	*vid = (int)v;
	*pid = (int)p;
	return 0;
}

/* Find a suitable interface and its bulk endpoints in dev's active
 * configuration; 0 when found. */
static int
usb_pick(libusb_device *dev, int any_class, int *iface, uint8_t *out,
    uint8_t *in, int *has_in)
{
	struct libusb_config_descriptor *cfg;
	int i, a, e, found = -1, pass;

	if (libusb_get_active_config_descriptor(dev, &cfg) != 0 &&
	    libusb_get_config_descriptor(dev, 0, &cfg) != 0)
		return -1;
	/* first pass: printer class; second (if allowed): any bulk OUT */
	for (pass = 0; pass < (any_class ? 2 : 1) && found < 0; pass++)
		for (i = 0; i < cfg->bNumInterfaces && found < 0; i++)
			for (a = 0; a < cfg->interface[i].num_altsetting &&
			    found < 0; a++) {
				const struct libusb_interface_descriptor *id =
				    &cfg->interface[i].altsetting[a];
				if (pass == 0 &&
				    id->bInterfaceClass != LIBUSB_CLASS_PRINTER)
					continue;
				*has_in = 0;
				*out = 0;
				for (e = 0; e < id->bNumEndpoints; e++) {
					const struct libusb_endpoint_descriptor *ed =
					    &id->endpoint[e];
					if ((ed->bmAttributes & 3) !=
					    LIBUSB_TRANSFER_TYPE_BULK)
						continue;
					if (ed->bEndpointAddress & 0x80) {
						if (!*has_in) {
							*in = ed->bEndpointAddress;
							*has_in = 1;
						}
					} else if (*out == 0)
						*out = ed->bEndpointAddress;
				}
				if (*out != 0) {
					*iface = id->bInterfaceNumber;
					found = 0;
				}
			}
	libusb_free_config_descriptor(cfg);
	return found;
}

/* Find, open and claim the printer. */
static void *
usb_open(const struct printer_conf *pc, char *err, size_t errlen)
{
	struct usb_h *h = xcalloc(1, sizeof *h);
	libusb_device **list = NULL;
	ssize_t n, i;
	int vid, pid, rc;

	if (usb_ids(pc->device, &vid, &pid) < 0) {
		snprintf(err, errlen, "usb: bad device \"%s\" (want vvvv:pppp)",
		    pc->device);
		free(h);
		return NULL;
	}
	if ((rc = libusb_init(&h->ctx)) != 0) {
		snprintf(err, errlen, "usb: %s", libusb_strerror(rc));
		free(h);
		return NULL;
	}
	snprintf(err, errlen, "usb: no printer %s found",
	    vid >= 0 ? pc->device : "(printer class)");
	if ((n = libusb_get_device_list(h->ctx, &list)) < 0)
		n = 0;
	for (i = 0; i < n && h->dh == NULL; i++) {
		struct libusb_device_descriptor dd;
		if (libusb_get_device_descriptor(list[i], &dd) != 0)
			continue;
		if (vid >= 0 && (dd.idVendor != vid || dd.idProduct != pid))
			continue;
		if (usb_pick(list[i], vid >= 0, &h->iface, &h->ep_out, &h->ep_in,
		    &h->has_in) < 0)
			continue;
		if ((rc = libusb_open(list[i], &h->dh)) != 0) {
			snprintf(err, errlen, "usb %04x:%04x: open: %s",
			    dd.idVendor, dd.idProduct, libusb_strerror(rc));
			h->dh = NULL;
		}
	}
	if (list)
		libusb_free_device_list(list, 1);
	if (h->dh == NULL) {
		libusb_exit(h->ctx);
		free(h);
		return NULL;
	}
	if (libusb_kernel_driver_active(h->dh, h->iface) == 1) {
		if ((rc = libusb_detach_kernel_driver(h->dh, h->iface)) != 0) {
			snprintf(err, errlen, "usb: detach usblp: %s",
			    libusb_strerror(rc));
			goto fail;
		}
		h->detached = 1;
	}
	if ((rc = libusb_claim_interface(h->dh, h->iface)) != 0) {
		snprintf(err, errlen, "usb: claim interface %d: %s", h->iface,
		    libusb_strerror(rc));
		goto fail;
	}
	return h;
fail:
	if (h->detached)
		libusb_attach_kernel_driver(h->dh, h->iface);
	libusb_close(h->dh);
	libusb_exit(h->ctx);
	free(h);
	return NULL;
}

/* Bulk OUT with a timeout; the bytes that went even on timeout. */
static ssize_t
usb_write(void *vh, const uint8_t *buf, size_t len, int timeout_ms)
{
	struct usb_h *h = vh;
	size_t done = 0;
	int rc, got, chunk;

	while (done < len) {
		chunk = len - done > 16384 ? 16384 : (int)(len - done);
		got = 0;
		rc = libusb_bulk_transfer(h->dh, h->ep_out, (uint8_t *)buf + done,
		    chunk, &got, (unsigned)(timeout_ms > 0 ? timeout_ms : 1));
		done += (size_t)(got > 0 ? got : 0);
		if (rc == LIBUSB_ERROR_TIMEOUT)
			break;
		if (rc == LIBUSB_ERROR_PIPE) {
			libusb_clear_halt(h->dh, h->ep_out);
			break;
		}
		if (rc != 0)
			return done > 0 ? (ssize_t)done : -1;
	}
	return (ssize_t)done;
}

/* Bulk IN; 0 on timeout. */
static ssize_t
usb_read(void *vh, uint8_t *buf, size_t len, int timeout_ms)
{
	struct usb_h *h = vh;
	uint8_t tmp[512];
	int rc, got = 0;

	if (!h->has_in)
		return 0;
	/* read whole packets, so that a short buffer never overflows */
	rc = libusb_bulk_transfer(h->dh, h->ep_in, tmp, sizeof tmp, &got,
	    (unsigned)(timeout_ms > 0 ? timeout_ms : 1));
	if (rc == LIBUSB_ERROR_PIPE)
		libusb_clear_halt(h->dh, h->ep_in);
	else if (rc != 0 && rc != LIBUSB_ERROR_TIMEOUT &&
	    rc != LIBUSB_ERROR_OVERFLOW)
		return -1;
	if (got < 0)
		got = 0;
	if ((size_t)got > len)
		got = (int)len;
	memcpy(buf, tmp, (size_t)got);
	return got;
}

/* USB printer class GET_PORT_STATUS. */
static int
usb_port_status(void *vh, unsigned *status)
{
	struct usb_h *h = vh;
	uint8_t b = 0;
	int rc;

	rc = libusb_control_transfer(h->dh, 0xA1, 1, 0, (uint16_t)h->iface,
	    &b, 1, 1000);
	if (rc != 1)
		return rc == LIBUSB_ERROR_NO_DEVICE ? -2 : -1;
	*status = 0;
	if (b & 0x20)
		*status |= ESCPOS_ST_PAPER_END;
	if (!(b & 0x10))
		*status |= ESCPOS_ST_OFFLINE;
	if (!(b & 0x08))
		*status |= ESCPOS_ST_ERROR;
	return 0;
}

/* Release, give the interface back to usblp, close. */
static void
usb_close(void *vh)
{
	struct usb_h *h = vh;

	libusb_release_interface(h->dh, h->iface);
	if (h->detached)
		libusb_attach_kernel_driver(h->dh, h->iface);
	libusb_close(h->dh);
	libusb_exit(h->ctx);
	free(h);
}

const struct transport_ops transport_usb = {
	"usb", usb_open, usb_write, usb_read, usb_port_status, usb_close,
};
