/*
 * printer_conf.h - what the printers' library needs to know of one printer:
 * the transport, its device, the paper and the printer's character
 * support.  The printers' own type, so that printers/ depends on nothing of
 * the daemon; the daemon fills it from its [printer] sections
 * (daemon/dev/devprint.c), tests and the emulator build it directly.
 * Strings are borrowed: printer_start() copies what it keeps.
 */
#ifndef ONESTOP_PRINTER_CONF_H
#define ONESTOP_PRINTER_CONF_H

struct printer_conf {
	const char *id;              /* "printer-1" */
	const char *driver;          /* "usb", "serial", "tcp", "file" */
	const char *device;          /* usb: "04b8:0202" or "" (any printer class);
	                                serial: "/dev/ttyUSB0"; tcp: "host:9100";
	                                file: a path */
	int baud;                    /* serial only */
	const char *flow;            /* serial: "none", "rtscts", "xonxoff" */
	int paper_dots;              /* 384 (58 mm) or 576 (80 mm) */
	const char *codepage;        /* "raster", "udc" or a printer code page
	                                name, e.g. "cp1258" */
	int native_qr;               /* 1: printer has GS ( k QR */
};

#endif
