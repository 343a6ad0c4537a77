/*
 * transport_serial.c - serial printers through libserialport: device is the
 * port ("/dev/ttyUSB0"), baud and flow ("none", "rtscts", "xonxoff") from
 * the configuration, 8N1.  libserialport 0.1.1 finds ports through sysfs,
 * so tests run it under umockdev (tests/integration/printers/test_serial).
 * libserialport 0.1.1 on Linux puts CRTSCTS into c_iflag instead of
 * c_cflag, so "rtscts" would silently leave hardware flow control off (and
 * never clear it): we set it on the port's descriptor ourselves (found by
 * test_serial).
 */
#include "printers/transport.h"

#include <errno.h>
#include <libserialport.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>

#include "printers/printer_conf.h"
#include "common/xmalloc.h"

struct serial_h {
	struct sp_port *port;
};

/* Error text of a failed sp_ call. */
static void
serial_err(char *err, size_t errlen, const char *dev, const char *what,
    enum sp_return rc)
{
	char *msg = rc == SP_ERR_FAIL ? sp_last_error_message() : NULL;

	snprintf(err, errlen, "serial %s: %s: %s", dev, what,
	    msg ? msg : rc == SP_ERR_ARG ? "bad argument" :
	    rc == SP_ERR_SUPP ? "not supported" : rc == SP_ERR_MEM ?
	    "out of memory" : "failed");
	if (msg)
		sp_free_error_message(msg);
}

/* Hardware flow control on or off in the termios' c_cflag, where the
 * kernel reads it (it also stays there from an earlier open); 0, or -1
 * with errno. */
static int
serial_crtscts(struct sp_port *port, int on)
{
	struct termios tio;
	int fd;

	if (sp_get_port_handle(port, &fd) != SP_OK) {
		errno = EBADF;
		return -1;
	}
	if (tcgetattr(fd, &tio) < 0)
		return -1;
	if (on)
		tio.c_cflag |= CRTSCTS;
	else
		tio.c_cflag &= ~(tcflag_t)CRTSCTS;
	return tcsetattr(fd, TCSANOW, &tio);
}

/* Open and configure the port. */
static void *
serial_open(const struct printer_conf *pc, char *err, size_t errlen)
{
	const char *dev = pc->device ? pc->device : "";
	const char *flow = pc->flow ? pc->flow : "none";
	enum sp_flowcontrol fc;
	struct sp_port *port;
	struct serial_h *h;
	enum sp_return rc;

	if (strcmp(flow, "none") == 0)
		fc = SP_FLOWCONTROL_NONE;
	else if (strcmp(flow, "rtscts") == 0)
		fc = SP_FLOWCONTROL_RTSCTS;
	else if (strcmp(flow, "xonxoff") == 0)
		fc = SP_FLOWCONTROL_XONXOFF;
	else {
		snprintf(err, errlen, "serial %s: unknown flow \"%s\"", dev, flow);
		return NULL;
	}
	if ((rc = sp_get_port_by_name(dev, &port)) != SP_OK) {
		serial_err(err, errlen, dev, "no such port", rc);
		return NULL;
	}
	if ((rc = sp_open(port, SP_MODE_READ_WRITE)) != SP_OK) {
		serial_err(err, errlen, dev, "open", rc);
		sp_free_port(port);
		return NULL;
	}
	if ((rc = sp_set_baudrate(port, pc->baud > 0 ? pc->baud : 9600)) !=
	    SP_OK || (rc = sp_set_bits(port, 8)) != SP_OK ||
	    (rc = sp_set_parity(port, SP_PARITY_NONE)) != SP_OK ||
	    (rc = sp_set_stopbits(port, 1)) != SP_OK ||
	    (rc = sp_set_flowcontrol(port, fc)) != SP_OK) {
		serial_err(err, errlen, dev, "configure", rc);
		sp_close(port);
		sp_free_port(port);
		return NULL;
	}
	if (serial_crtscts(port, fc == SP_FLOWCONTROL_RTSCTS) < 0) {
		snprintf(err, errlen, "serial %s: flow control: %s", dev,
		    strerror(errno));
		sp_close(port);
		sp_free_port(port);
		return NULL;
	}
	h = xmalloc(sizeof *h);
	h->port = port;
	return h;
}

/* Blocking write with a timeout (0 would mean forever to libserialport). */
static ssize_t
serial_write(void *vh, const uint8_t *buf, size_t len, int timeout_ms)
{
	struct serial_h *h = vh;
	enum sp_return rc;

	rc = sp_blocking_write(h->port, buf, len,
	    (unsigned)(timeout_ms > 0 ? timeout_ms : 1));
	return rc < 0 ? -1 : (ssize_t)rc;
}

/* Read what comes first, or 0 on timeout. */
static ssize_t
serial_read(void *vh, uint8_t *buf, size_t len, int timeout_ms)
{
	struct serial_h *h = vh;
	enum sp_return rc;

	if (timeout_ms <= 0)
		rc = sp_nonblocking_read(h->port, buf, len);
	else
		rc = sp_blocking_read_next(h->port, buf, len,
		    (unsigned)timeout_ms);
	return rc < 0 ? -1 : (ssize_t)rc;
}

/* Close. */
static void
serial_close(void *vh)
{
	struct serial_h *h = vh;

	sp_close(h->port);
	sp_free_port(h->port);
	free(h);
}

const struct transport_ops transport_serial = {
	"serial", serial_open, serial_write, serial_read, NULL, serial_close,
};
