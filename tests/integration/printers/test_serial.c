/*
 * test_serial.c - the serial driver (transport_serial.c, real
 * libserialport) under umockdev: a USB-serial adapter /dev/ttyUSB0 is
 * described in an emulated sysfs (libserialport 0.1.1 looks ports up
 * there), its device node is a PTY (umockdev makes one for the tty
 * subsystem), and an ioctl handler attached to the node answers the
 * modem-line ioctls that a PTY lacks (TIOCMGET, TIOCMBIS, TIOCMBIC: the
 * "Inappropriate ioctl for device" that stopped sp_open()).  The other end
 * of the PTY is bridged to the emulator (onestop-printemu serve --pty), so
 * the printer thread prints a ticket and reads status over the line.
 *
 * The binary re-executes itself under libumockdev-preload.so.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>
#include <umockdev.h>

#include "printers/printer_conf.h"
#include "printers/printer.h"
#include "printers/ticket_samples.h"
#include "printers/transport.h"
#include "umock.h"

#define TTY "/dev/ttyUSB0"

/* A CH340-style USB-serial adapter as a udev/sysfs description. */
static const char tty_desc[] =
    "P: /devices/pci0000:00/0000:00:14.0/usb1/1-2\n"
    "N: bus/usb/001/003\n"
    "E: SUBSYSTEM=usb\n"
    "E: DEVTYPE=usb_device\n"
    "A: idVendor=1a86\n"
    "A: idProduct=7523\n"
    "A: manufacturer=QinHeng Electronics\n"
    "A: product=USB Serial\n"
    "A: busnum=1\n"
    "A: devnum=3\n"
    "\n"
    "P: /devices/pci0000:00/0000:00:14.0/usb1/1-2/1-2:1.0/ttyUSB0/tty/ttyUSB0\n"
    "N: ttyUSB0\n"
    "E: DEVNAME=/dev/ttyUSB0\n"
    "E: SUBSYSTEM=tty\n"
    "A: dev=188:0\n";

static char dir[64], outdir[128], control[128], emulink[128];
static pid_t emu_pid = -1;
static FILE *emu_out;
static UMockdevTestbed *tb;
static UMockdevIoctlBase *handler;
static int umaster = -1, keepslave = -1, emuslave = -1, wake[2] = { -1, -1 };
static pthread_t bridge;
static struct printer *prn;

/* Modem lines of the emulated adapter, kept by the ioctl handler (which
 * runs in umockdev's thread). */
static pthread_mutex_t mlock = PTHREAD_MUTEX_INITIALIZER;
static int mlines = TIOCM_CTS | TIOCM_DSR | TIOCM_CD;
static int n_modem_ioctls;

/* Answer the modem-line ioctls; the others (termios) run on the PTY. */
static gboolean
on_ioctl(UMockdevIoctlBase *b, UMockdevIoctlClient *c, gpointer data)
{
	unsigned long req = umockdev_ioctl_client_get_request(c);
	UMockdevIoctlData *arg = umockdev_ioctl_client_get_arg(c), *d;
	int v, rc, e = 0;

	(void)b;
	(void)data;
	if (req == TIOCMGET || req == TIOCMSET || req == TIOCMBIS ||
	    req == TIOCMBIC) {
		d = umockdev_ioctl_data_resolve(arg, 0, sizeof(int), NULL);
		if (d == NULL) {
			umockdev_ioctl_client_complete(c, -1, EFAULT);
			return TRUE;
		}
		memcpy(&v, d->data, sizeof v);
		pthread_mutex_lock(&mlock);
		n_modem_ioctls++;
		if (req == TIOCMGET)
			memcpy(d->data, &mlines, sizeof mlines);
		else if (req == TIOCMSET)
			mlines = (mlines & ~(TIOCM_DTR | TIOCM_RTS)) |
			    (v & (TIOCM_DTR | TIOCM_RTS));
		else if (req == TIOCMBIS)
			mlines |= v & (TIOCM_DTR | TIOCM_RTS);
		else
			mlines &= ~(v & (TIOCM_DTR | TIOCM_RTS));
		pthread_mutex_unlock(&mlock);
		umockdev_ioctl_data_unref(d);
		umockdev_ioctl_client_complete(c, 0, 0);
		return TRUE;
	}
	rc = umockdev_ioctl_client_execute(c, &e, NULL);
	umockdev_ioctl_client_complete(c, rc, rc < 0 ? e : 0);
	return TRUE;
}

/* Copy bytes between umockdev's PTY and the emulator's PTY. */
static void *
bridge_main(void *arg)
{
	uint8_t buf[4096];
	struct pollfd pfd[3];
	ssize_t n;
	int i;

	(void)arg;
	pfd[0].fd = umaster;
	pfd[1].fd = emuslave;
	pfd[2].fd = wake[0];
	for (;;) {
		for (i = 0; i < 3; i++)
			pfd[i].events = POLLIN;
		if (poll(pfd, 3, -1) < 0 && errno != EINTR)
			break;
		if (pfd[2].revents)
			break;
		for (i = 0; i < 2; i++) {
			if (!(pfd[i].revents & POLLIN))
				continue;
			n = read(pfd[i].fd, buf, sizeof buf);
			if (n > 0 && write(pfd[1 - i].fd, buf, (size_t)n) != n)
				return NULL;
		}
	}
	return NULL;
}

static struct printer_conf
serial_config(const char *dev, const char *flow)
{
	struct printer_conf pc;

	pc = ticket_samples_get(ticket_samples_find("t80-raster"))->printer;
	pc.driver = (char *)"serial";
	pc.device = (char *)dev;
	pc.baud = 115200;
	pc.flow = (char *)flow;
	return pc;
}

static int
setup(void **state)
{
	GError *gerr = NULL;
	char *slave;

	(void)state;
	snprintf(dir, sizeof dir, "/tmp/test_serial.XXXXXX");
	assert_non_null(mkdtemp(dir));
	snprintf(outdir, sizeof outdir, "%s/out", dir);
	snprintf(control, sizeof control, "%s/control", dir);
	snprintf(emulink, sizeof emulink, "%s/emu-pty", dir);
	assert_int_equal(umock_set_control(control, "ok"), 0);
	assert_int_equal(umock_start_emu(emulink, outdir, control, &emu_pid,
	    &emu_out), 0);

	tb = umockdev_testbed_new();
	handler = umockdev_ioctl_base_new();
	g_signal_connect(handler, "handle-ioctl", G_CALLBACK(on_ioctl), NULL);
	assert_true(umockdev_testbed_attach_ioctl(tb, TTY, handler, &gerr));
	assert_true(umockdev_testbed_add_from_string(tb, tty_desc, &gerr));
	umaster = umockdev_testbed_get_dev_fd(tb, TTY);
	assert_true(umaster >= 0);
	/* hold the PTY's slave open too, so that the master never hangs up
	 * while the driver has the port closed */
	slave = ptsname(umaster);
	assert_non_null(slave);
	keepslave = open(slave, O_RDWR | O_NOCTTY);
	assert_true(keepslave >= 0);
	emuslave = open(emulink, O_RDWR | O_NOCTTY);
	assert_true(emuslave >= 0);
	assert_int_equal(pipe(wake), 0);
	assert_int_equal(pthread_create(&bridge, NULL, bridge_main, NULL), 0);
	return 0;
}

static int
teardown(void **state)
{
	char cmd[200];

	(void)state;
	if (prn) {
		printer_stop(prn);
		prn = NULL;
	}
	if (write(wake[1], "x", 1) == 1)
		pthread_join(bridge, NULL);
	close(wake[0]);
	close(wake[1]);
	close(emuslave);
	close(keepslave);
	umock_stop_emu(&emu_pid, &emu_out);
	g_object_unref(handler);
	g_object_unref(tb);     /* closes umaster, removes the testbed */
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

/* libserialport opens and configures the emulated adapter for real: the
 * PTY's termios show the baud and flow control asked for. */
static void
test_open_configures(void **state)
{
	static const struct {
		const char *flow;
		int baud;
		speed_t speed;
		tcflag_t crtscts;
		tcflag_t ixon;
	} cases[] = {
		{ "none", 115200, B115200, 0, 0 },
		{ "rtscts", 9600, B9600, CRTSCTS, 0 },
		{ "xonxoff", 19200, B19200, 0, IXON },
	};
	struct printer_conf pc;
	struct termios tio;
	char err[256];
	size_t i;
	void *h;

	(void)state;
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		pc = serial_config(TTY, cases[i].flow);
		pc.baud = cases[i].baud;
		pthread_mutex_lock(&mlock);
		n_modem_ioctls = 0;
		pthread_mutex_unlock(&mlock);
		h = transport_serial.open(&pc, err, sizeof err);
		if (h == NULL)
			fail_msg("open %s: %s", cases[i].flow, err);
		assert_int_equal(tcgetattr(keepslave, &tio), 0);
		assert_int_equal(cfgetospeed(&tio), cases[i].speed);
		assert_int_equal(tio.c_cflag & CRTSCTS, cases[i].crtscts);
		assert_int_equal(tio.c_iflag & IXON, cases[i].ixon);
		assert_int_equal(tio.c_cflag & CSIZE, CS8);
		assert_int_equal(tio.c_cflag & (PARENB | CSTOPB), 0);
		pthread_mutex_lock(&mlock);
		/* sp_open read the modem lines through the handler */
		assert_true(n_modem_ioctls > 0);
		pthread_mutex_unlock(&mlock);
		transport_serial.close(h);
	}
	pc = serial_config(TTY, "bogus");
	assert_null(transport_serial.open(&pc, err, sizeof err));
	assert_non_null(strstr(err, "unknown flow"));
	pc = serial_config("/dev/ttyUSB7", "none");
	assert_null(transport_serial.open(&pc, err, sizeof err));
	assert_non_null(strstr(err, "no such port"));
}

/* The printer thread over the line: status, a ticket, faults. */
static void
test_print(void **state)
{
	struct printer_conf pc = serial_config(TTY, "none");
	struct printer_options opt = { 50, 3000, 1000 };
	const struct ticket_print *t =
	    &ticket_samples_get(ticket_samples_find("t80-raster"))->ticket;
	struct printer_event ev;
	char err[256], text[8192];

	(void)state;
	prn = printer_start(&pc, &opt, err, sizeof err);
	assert_non_null(prn);

	/* 1: prints, and the emulator reads it back */
	assert_int_equal(printer_submit(prn, t, 1), 0);
	assert_true(umock_wait_event(prn, PRINTER_EV_JOB_DONE, &ev));
	assert_int_equal(ev.job_id, 1);
	assert_int_equal(ev.status, 0);
	assert_true(umock_wait_page(outdir, 1, text, sizeof text));
	assert_non_null(strstr(text, "\n1024\n"));
	assert_non_null(strstr(text, "[qr https://hcc.example.vn/t/20261128-1024]"));
	assert_non_null(strstr(text, "[cut]"));
	assert_int_equal(printer_status(prn), 0);

	/* 2: paper out, read over the line: refused, nothing printed */
	assert_int_equal(umock_set_control(control, "paper-out"), 0);
	assert_true(umock_wait_event(prn, PRINTER_EV_STATUS, &ev));
	assert_true(ev.status & PRINTER_ST_PAPER_END);
	assert_int_equal(printer_submit(prn, t, 2), 0);
	assert_true(umock_wait_event(prn, PRINTER_EV_JOB_FAILED, &ev));
	assert_int_equal(ev.job_id, 2);
	assert_int_equal(ev.kept, 0);
	assert_true(ev.status & PRINTER_ST_PAPER_END);

	/* 3: back: near end still prints */
	assert_int_equal(umock_set_control(control, "near-end"), 0);
	assert_true(umock_wait_event(prn, PRINTER_EV_STATUS, &ev));
	assert_int_equal(ev.status, PRINTER_ST_NEAR_END);
	assert_int_equal(printer_submit(prn, t, 3), 0);
	assert_true(umock_wait_event(prn, PRINTER_EV_JOB_DONE, &ev));
	assert_int_equal(ev.job_id, 3);
	assert_true(umock_wait_page(outdir, 2, text, sizeof text));
	assert_non_null(strstr(text, "\n1024\n"));

	/* 4: the printer stops answering: gone */
	assert_int_equal(umock_set_control(control, "gone"), 0);
	assert_int_equal(printer_submit(prn, t, 4), 0);
	assert_true(umock_wait_event(prn, PRINTER_EV_JOB_FAILED, &ev));
	assert_int_equal(ev.job_id, 4);
	assert_int_equal(ev.kept, 0);
	assert_true(ev.status & PRINTER_ST_GONE);
}

/* A port that is not in sysfs: gone, with libserialport's reason. */
static void
test_no_port(void **state)
{
	struct printer_conf pc = serial_config("/dev/ttyUSB7", "none");
	struct printer_options opt = { 50, 1000, 200 };
	const struct ticket_print *t =
	    &ticket_samples_get(ticket_samples_find("t80-raster"))->ticket;
	struct printer_event ev;
	char err[256];

	(void)state;
	prn = printer_start(&pc, &opt, err, sizeof err);
	assert_non_null(prn);
	assert_int_equal(printer_submit(prn, t, 9), 0);
	assert_true(umock_wait_event(prn, PRINTER_EV_JOB_FAILED, &ev));
	assert_int_equal(ev.kept, 0);
	assert_true(ev.status & PRINTER_ST_GONE);
	assert_non_null(strstr(ev.reason, "no such port"));
}

int
main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_open_configures, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_print, setup, teardown),
		cmocka_unit_test_setup_teardown(test_no_port, setup, teardown),
	};

	(void)argc;
	umock_ensure_preload(argv);
	setenv("TZ", "ICT-7", 1);
	signal(SIGPIPE, SIG_IGN);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
