/*
 * transport.h - how bytes reach a printer: a table of drivers chosen by
 * the name in the configuration ("usb", "serial", "tcp", "file").  Every
 * call takes a timeout and never blocks longer; a driver handle belongs to
 * one thread (the printer's).
 *
 * Rules for drivers: open returns NULL with err set when the device is
 * absent.  write returns the bytes accepted before the timeout (fewer than
 * len on timeout; check it even then) or -1 when the device is gone.  read
 * returns the bytes read, 0 on timeout, -1 when the device is gone.
 * port_status (may be NULL) asks the transport itself for the printer's
 * state (USB class GET_PORT_STATUS) and sets ESCPOS_ST_* bits; -1 when not
 * available.
 */
#ifndef ONESTOP_TRANSPORT_H
#define ONESTOP_TRANSPORT_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct printer_conf;

struct transport_ops {
	const char *name;
	void *(*open)(const struct printer_conf *pc, char *err, size_t errlen);
	ssize_t (*write)(void *h, const uint8_t *buf, size_t len,
	    int timeout_ms);
	ssize_t (*read)(void *h, uint8_t *buf, size_t len, int timeout_ms);
	int (*port_status)(void *h, unsigned *status);
	void (*close)(void *h);
};

/* The driver called name, or NULL. */
const struct transport_ops *transport_find(const char *name);

extern const struct transport_ops transport_file;
extern const struct transport_ops transport_tcp;
extern const struct transport_ops transport_serial;
extern const struct transport_ops transport_usb;

#endif
