/*
 * board.c - the board application: the register map of proto/board_regs.h
 * behind the Modbus slave, the roles' key handling, flashing, the offline
 * indication, configuration with unlock and commit, factory reset, and the
 * face handed to the port.  Times are kept in milliseconds from the port's
 * wrapping microsecond clock; deadlines compare with signed differences.
 */
#include "core/board.h"

#include <stddef.h>
#include <string.h>

#define TYPED_TIMEOUT_MS 10000u
#define NOTICE_MS 3000u
#define BLINK_HALF_MS 250u
#define DEFAULT_BRIGHTNESS 10
#define DEFAULT_OFFLINE_S 5

static int after(uint32_t now, uint32_t deadline) { return (int32_t)(now - deadline) >= 0; }

/* See board.h. */
const char *board_role_name(uint8_t role)
{
	switch (role) {
	case BOARD_ROLE_NUMBER: return "number";
	case BOARD_ROLE_CALLER: return "caller";
	case BOARD_ROLE_RATING: return "rating";
	case BOARD_ROLE_HALL: return "hall";
	default: return "?";
	}
}

/* Save the running configuration; sets BOARD_ST_NVM_BAD on failure. */
static void save_cfg(board *b)
{
	uint8_t rec[NVCFG_SIZE];

	nvcfg_encode(&b->cfg, rec);
	if (b->port->nvm_write(b->port->arg, rec, NVCFG_SIZE) != 0)
		b->status |= BOARD_ST_NVM_BAD;
}

/* Make the slave and the UART use the running configuration. */
static void apply_cfg(board *b)
{
	uint32_t baud = nvcfg_baud(b->cfg.baud);

	b->mb.address = b->cfg.address;
	mbslave_set_baud(&b->mb, baud, b->port->margin_us);
	b->port->uart_set_baud(b->port->arg, baud);
	b->staged = b->cfg;
	b->typed_len = 0;
}

/* Advance the board clock to the port's time. */
static void tick(board *b)
{
	uint32_t now = b->port->now_us(b->port->arg);
	uint32_t d = now - b->last_us;

	b->last_us = now;
	b->us_acc += d;
	b->now_ms += b->us_acc / 1000;
	b->ms_acc += b->us_acc / 1000;
	b->us_acc %= 1000;
	b->uptime_s += b->ms_acc / 1000;
	b->ms_acc %= 1000;
}

/* Value of input register r (in range). */
static uint16_t ir_value(board *b, uint16_t r)
{
	const evfifo_ev *e = evfifo_head(&b->fifo);
	const mbslave_counters *c = &b->mb.cnt;
	uint32_t age;

	switch (r) {
	case BOARD_IR_STATUS: {
		uint16_t st = b->status;
		if (e)
			st |= BOARD_ST_EVENT;
		if (b->unlock_stage == 2)
			st |= BOARD_ST_UNLOCKED;
		/* kept until the host acknowledges it (HR_STATUS_ACK): a lost
		 * reply must not lose it */
		b->status_seen |= (uint16_t)(b->status & BOARD_ST_ACKABLE);
		return st;
	}
	case BOARD_IR_EVT_COUNT: return b->fifo.count;
	case BOARD_IR_EVT_SEQ: return e ? e->seq : 0;
	case BOARD_IR_EVT_CODE: return e ? (uint16_t)(e->kind << 8 | e->key) : 0;
	case BOARD_IR_EVT_VALUE: return e ? e->value : 0xFFFF;
	case BOARD_IR_EVT_AGE:
		age = e ? (b->now_ms - e->t_ms) / 1000 : 0;
		return age > 0xFFFF ? 0xFFFF : (uint16_t)age;
	case BOARD_IR_BOOT_COUNT: return b->cfg.boot_count;
	case BOARD_IR_UPTIME_HI: return (uint16_t)(b->uptime_s >> 16);
	case BOARD_IR_UPTIME_LO: return (uint16_t)b->uptime_s;
	case BOARD_IR_ROLE: return b->cfg.role;
	case BOARD_IR_FW_VERSION: return BOARD_FW_VERSION;
	case BOARD_IR_SERIAL_HI: return (uint16_t)(b->cfg.serial >> 16);
	case BOARD_IR_SERIAL_LO: return (uint16_t)b->cfg.serial;
	case BOARD_IR_CRC_ERRORS: return c->crc_errors;
	case BOARD_IR_FRAME_ERRORS: return c->frame_errors;
	case BOARD_IR_OVERRUNS: return c->overruns;
	case BOARD_IR_WDT_RESETS: return b->cfg.wdt_resets;
	case BOARD_IR_BUS_MSGS: return c->bus_msgs;
	case BOARD_IR_SLAVE_MSGS: return c->slave_msgs;
	case BOARD_IR_EXCEPTIONS: return c->exceptions;
	case BOARD_IR_EVT_DROPPED: return b->fifo.dropped;
	default: return 0;
	}
}

/* Value of holding register r (in range). */
static uint16_t hr_value(const board *b, uint16_t r)
{
	if (r >= BOARD_HR_HALL_BASE && r < BOARD_HR_HALL_BASE + 2 * BOARD_HALL_ROWS)
		return b->hall[r - BOARD_HR_HALL_BASE];
	switch (r) {
	case BOARD_HR_EVT_ACK: return b->fifo.last_acked;
	case BOARD_HR_NUMBER: return b->number;
	case BOARD_HR_FLASH:
		if (!b->flashing)
			return 0;
		return (uint16_t)((b->flash_until_ms - b->now_ms + 999) / 1000);
	case BOARD_HR_BRIGHTNESS: return b->brightness;
	case BOARD_HR_LAMP: return b->lamp;
	case BOARD_HR_PROMPT: return b->prompt;
	case BOARD_HR_OFFLINE_S: return b->offline_s;
	case BOARD_HR_UNLOCK: return b->unlock_stage == 2;
	case BOARD_HR_CFG_ADDRESS: return b->staged.address;
	case BOARD_HR_CFG_BAUD: return b->staged.baud;
	case BOARD_HR_CFG_ROLE: return b->staged.role;
	case BOARD_HR_CFG_COUNTER: return b->staged.counter;
	default: return 0; /* BOARD_HR_CFG_COMMIT, BOARD_HR_STATUS_ACK */
	}
}

/* A frame for this board (or broadcast) arrived: the master is there.  A
 * new "was offline" must be read before an ack can clear it. */
static void mark_polled(board *b)
{
	b->last_poll_ms = b->now_ms;
	if (b->offline) {
		b->status |= BOARD_ST_WAS_OFFLINE;
		b->status_seen &= (uint16_t)~BOARD_ST_WAS_OFFLINE;
	}
	b->offline = 0;
}

/* mbslave_ops.read. */
static mb_status op_read(void *ctx, uint8_t table, uint16_t addr, uint16_t n, uint16_t *out)
{
	board *b = ctx;
	uint32_t size = table == 4 ? BOARD_IR_COUNT : BOARD_HR_COUNT;

	mark_polled(b);
	if ((uint32_t)addr + n > size)
		return MB_EX_ILLEGAL_ADDRESS;
	for (uint16_t i = 0; i < n; i++)
		out[i] = table == 4 ? ir_value(b, (uint16_t)(addr + i)) : hr_value(b, (uint16_t)(addr + i));
	return MB_OK;
}

static int is_cfg(uint16_t r) { return r >= BOARD_HR_CFG_ADDRESS && r <= BOARD_HR_CFG_COMMIT; }
static int is_display(uint16_t r) { return r >= BOARD_HR_NUMBER && r < BOARD_HR_UNLOCK; }
static int number_ok(uint16_t v) { return v <= 9999 || v == 0xFFFF; }

/* Check one write of v to holding register r: MB_OK or an exception. */
static mb_status hr_check(const board *b, uint16_t r, uint16_t v)
{
	if (is_cfg(r) && b->unlock_stage != 2)
		return MB_EX_DEVICE_FAILURE;
	if (r >= BOARD_HR_HALL_BASE && r < BOARD_HR_UNLOCK)
		return ((r - BOARD_HR_HALL_BASE) % 2 == 0 ? number_ok(v) : v <= 99) ? MB_OK : MB_EX_ILLEGAL_VALUE;
	switch (r) {
	case BOARD_HR_EVT_ACK:
	case BOARD_HR_UNLOCK:
	case BOARD_HR_STATUS_ACK: return MB_OK;
	case BOARD_HR_NUMBER: return number_ok(v) ? MB_OK : MB_EX_ILLEGAL_VALUE;
	case BOARD_HR_FLASH: return v <= 60 ? MB_OK : MB_EX_ILLEGAL_VALUE;
	case BOARD_HR_BRIGHTNESS: return v <= 15 ? MB_OK : MB_EX_ILLEGAL_VALUE;
	case BOARD_HR_LAMP: return v <= BOARD_LAMP_CLOSED ? MB_OK : MB_EX_ILLEGAL_VALUE;
	case BOARD_HR_PROMPT: return v <= 1 ? MB_OK : MB_EX_ILLEGAL_VALUE;
	case BOARD_HR_OFFLINE_S: return v >= 2 && v <= 600 ? MB_OK : MB_EX_ILLEGAL_VALUE;
	case BOARD_HR_CFG_ADDRESS: return v >= 1 && v <= 247 ? MB_OK : MB_EX_ILLEGAL_VALUE;
	case BOARD_HR_CFG_BAUD: return nvcfg_baud((uint8_t)v) && v < 256 ? MB_OK : MB_EX_ILLEGAL_VALUE;
	case BOARD_HR_CFG_ROLE: return v >= BOARD_ROLE_NUMBER && v <= BOARD_ROLE_HALL ? MB_OK : MB_EX_ILLEGAL_VALUE;
	case BOARD_HR_CFG_COUNTER: return v <= 99 ? MB_OK : MB_EX_ILLEGAL_VALUE;
	case BOARD_HR_CFG_COMMIT: return v >= BOARD_COMMIT_SAVE && v <= BOARD_COMMIT_DEFAULTS ? MB_OK : MB_EX_ILLEGAL_VALUE;
	default: return MB_EX_ILLEGAL_ADDRESS;
	}
}

/* Apply one checked write of v to holding register r. */
static void hr_apply(board *b, uint16_t r, uint16_t v)
{
	if (is_cfg(r))
		b->unlock_until_ms = b->now_ms + BOARD_UNLOCK_SECONDS * 1000u;
	if (r >= BOARD_HR_HALL_BASE && r < BOARD_HR_UNLOCK) {
		b->hall[r - BOARD_HR_HALL_BASE] = v;
		return;
	}
	switch (r) {
	case BOARD_HR_EVT_ACK: (void)evfifo_ack(&b->fifo, v); break;
	case BOARD_HR_NUMBER: b->number = v; break;
	case BOARD_HR_FLASH:
		b->flashing = v != 0;
		b->flash_until_ms = b->now_ms + v * 1000u;
		break;
	case BOARD_HR_BRIGHTNESS: b->brightness = v; break;
	case BOARD_HR_LAMP: b->lamp = v; break;
	case BOARD_HR_PROMPT: b->prompt = v; break;
	case BOARD_HR_OFFLINE_S: b->offline_s = v; break;
	case BOARD_HR_UNLOCK:
		if (v == BOARD_UNLOCK_KEY1) {
			b->unlock_stage = 1;
			b->unlock_until_ms = b->now_ms + BOARD_UNLOCK_SECONDS * 1000u;
		} else if (v == BOARD_UNLOCK_KEY2 && b->unlock_stage == 1) {
			b->unlock_stage = 2;
			b->unlock_until_ms = b->now_ms + BOARD_UNLOCK_SECONDS * 1000u;
		} else {
			b->unlock_stage = 0;
		}
		break;
	case BOARD_HR_CFG_ADDRESS: b->staged.address = (uint8_t)v; break;
	case BOARD_HR_CFG_BAUD: b->staged.baud = (uint8_t)v; break;
	case BOARD_HR_CFG_ROLE: b->staged.role = (uint8_t)v; break;
	case BOARD_HR_CFG_COUNTER: b->staged.counter = (uint8_t)v; break;
	case BOARD_HR_STATUS_ACK:
		/* only bits that a read of IR_STATUS has shown */
		v &= b->status_seen;
		b->status &= (uint16_t)~v;
		b->status_seen &= (uint16_t)~v;
		break;
	case BOARD_HR_CFG_COMMIT:
		if (v == BOARD_COMMIT_DEFAULTS) {
			nvcfg_defaults(&b->staged, b->cfg.role, b->cfg.serial);
		} else if (v == BOARD_COMMIT_SAVE) {
			b->cfg.address = b->staged.address;
			b->cfg.baud = b->staged.baud;
			b->cfg.role = b->staged.role;
			b->cfg.counter = b->staged.counter;
			save_cfg(b);
			b->pending = BOARD_PEND_APPLY;
			b->unlock_stage = 0;
		} else {
			b->pending = BOARD_PEND_REBOOT;
		}
		break;
	default: break;
	}
}

/* mbslave_ops.write: check every value, then apply them in order. */
static mb_status op_write(void *ctx, uint16_t addr, uint16_t n, const uint8_t *vals, int broadcast)
{
	board *b = ctx;
	mb_status st;

	mark_polled(b);
	if ((uint32_t)addr + n > BOARD_HR_COUNT)
		return MB_EX_ILLEGAL_ADDRESS;
	for (uint16_t i = 0; i < n; i++) {
		uint16_t r = (uint16_t)(addr + i);
		if (broadcast && !is_display(r))
			return MB_EX_ILLEGAL_ADDRESS; /* not answered anyway */
		st = hr_check(b, r, (uint16_t)(vals[2 * i] << 8 | vals[2 * i + 1]));
		if (st != MB_OK)
			return st;
	}
	for (uint16_t i = 0; i < n; i++)
		hr_apply(b, (uint16_t)(addr + i), (uint16_t)(vals[2 * i] << 8 | vals[2 * i + 1]));
	return MB_OK;
}

/* mbslave_ops.devid: basic device identification objects. */
static const char *op_devid(void *ctx, uint8_t object)
{
	(void)ctx;
	switch (object) {
	case 0: return BOARD_VENDOR_NAME;
	case 1: return BOARD_PRODUCT_CODE;
	case 2: return BOARD_FW_VERSION_TEXT;
	default: return NULL;
	}
}

static const mbslave_ops board_mb_ops = { op_read, op_write, op_devid };

/* See board.h. */
void board_init(board *b, const board_port *port)
{
	uint8_t rec[NVCFG_SIZE];
	uint32_t raw;

	memset(b, 0, sizeof *b);
	b->port = port;
	b->last_us = port->now_us(port->arg);
	if (port->nvm_read(port->arg, rec, NVCFG_SIZE) != 0 || nvcfg_decode(rec, NVCFG_SIZE, &b->cfg) != 0) {
		nvcfg_defaults(&b->cfg, BOARD_ROLE_NUMBER, 0);
		b->status |= BOARD_ST_NVM_BAD;
	}
	b->cfg.boot_count++;
	if (port->reset_was_wdt && port->reset_was_wdt(port->arg)) {
		b->cfg.wdt_resets++;
		b->status |= BOARD_ST_WDT;
	}
	save_cfg(b);
	b->number = 0xFFFF;
	b->brightness = DEFAULT_BRIGHTNESS;
	b->offline_s = DEFAULT_OFFLINE_S;
	for (int i = 0; i < BOARD_HALL_ROWS; i++)
		b->hall[2 * i] = 0xFFFF;
	evfifo_init(&b->fifo);
	mbslave_init(&b->mb, &board_mb_ops, b, b->cfg.address, nvcfg_baud(b->cfg.baud), port->margin_us);
	apply_cfg(b);
	raw = port->keys(port->arg);
	keys_init(&b->keys, raw, b->last_us);
	if (raw & BOARD_KB_SERVICE) {
		b->factory_pending = 1;
		b->factory_ms = 0;
		b->notice = BOARD_NOTICE_HOLD;
	}
	if (raw)
		b->wait_release = 1;
}

/* Send the response in b->mb.tx with the driver enabled, then do what was
 * waiting for the reply (new address or baud, reboot). */
static void respond(board *b, uint16_t len)
{
	const board_port *p = b->port;

	if (len) {
		p->uart_de(p->arg, 1);
		p->uart_write(p->arg, b->mb.tx, len);
		p->uart_de(p->arg, 0);
		mbslave_tx_done(&b->mb);
	}
	if (b->pending == BOARD_PEND_APPLY) {
		b->pending = BOARD_PEND_NONE;
		apply_cfg(b);
	} else if (b->pending == BOARD_PEND_REBOOT) {
		b->pending = BOARD_PEND_NONE;
		p->reboot(p->arg);
	}
}

/* Close a frame if its silence has passed, answer it, note the poll time. */
static void service_frames(board *b, uint32_t now_us)
{
	uint16_t len = mbslave_poll(&b->mb, now_us);

	if (b->mb.cnt.slave_msgs != b->last_slave_msgs) {
		b->last_slave_msgs = b->mb.cnt.slave_msgs;
		mark_polled(b); /* diagnostics, identification, malformed */
	}
	respond(b, len);
}

/* See board.h. */
void board_rx(board *b, uint8_t byte, uint32_t t_us)
{
	service_frames(b, t_us);
	mbslave_rx(&b->mb, byte, t_us);
}

/* See board.h. */
void board_uart_error(board *b)
{
	mbslave_overrun(&b->mb);
}

/* Factory reset: defaults keeping role, serial and counters; saved and applied. */
static void factory_reset(board *b)
{
	nvcfg c;

	nvcfg_defaults(&c, b->cfg.role, b->cfg.serial);
	c.boot_count = b->cfg.boot_count;
	c.wdt_resets = b->cfg.wdt_resets;
	b->cfg = c;
	save_cfg(b);
	apply_cfg(b);
	b->status |= BOARD_ST_FACTORY;
	b->notice = BOARD_NOTICE_FACTORY;
	b->notice_until_ms = b->now_ms + NOTICE_MS;
}

/* A debounced press of the keys in bits on a board of the running role. */
static void key_pressed(board *b, uint32_t bits)
{
	uint32_t down = b->keys.stable;

	if (down & (down - 1))
		return; /* two keys at once: ambiguous, refused */
	if (b->cfg.role == BOARD_ROLE_CALLER) {
		for (int d = 0; d <= 9; d++) {
			if (bits & BOARD_KB_DIGIT(d)) {
				if (b->typed_len < 4) {
					b->typed = (uint16_t)(b->typed_len ? b->typed * 10 + d : d);
					b->typed_len++;
				}
				b->typed_ms = b->now_ms;
				return;
			}
		}
		if (bits & BOARD_KB_CLEAR) {
			b->typed_len = 0;
			return;
		}
		for (uint8_t k = BOARD_KEY_NEXT; k <= BOARD_KEY_PAUSE; k++) {
			if (bits & BOARD_KB_FUNC(k)) {
				(void)evfifo_push(&b->fifo, BOARD_EVK_KEY, k, b->typed_len ? b->typed : 0xFFFF, b->now_ms);
				b->typed_len = 0;
				return;
			}
		}
	} else if (b->cfg.role == BOARD_ROLE_RATING) {
		for (uint8_t r = BOARD_RATE_VERY_SATISFIED; r <= BOARD_RATE_DISSATISFIED; r++) {
			if (bits & BOARD_KB_RATE(r)) {
				(void)evfifo_push(&b->fifo, BOARD_EVK_RATING, r, 0xFFFF, b->now_ms);
				b->prompt = 0;
				b->notice = BOARD_NOTICE_THANKS;
				b->notice_until_ms = b->now_ms + NOTICE_MS;
				return;
			}
		}
	}
}

/* Sample the keys: factory-reset check at power-up, then presses. */
static void scan_keys(board *b, uint32_t now_us)
{
	uint32_t raw = b->port->keys(b->port->arg);
	uint32_t pressed = keys_update(&b->keys, raw, now_us);

	if (b->factory_pending) {
		if (!(b->keys.stable & BOARD_KB_SERVICE)) {
			b->factory_pending = 0;
			b->notice = BOARD_NOTICE_NONE;
		} else if (b->now_ms - b->factory_ms >= BOARD_FACTORY_SECONDS * 1000u) {
			b->factory_pending = 0;
			factory_reset(b);
		}
		return;
	}
	if (b->wait_release) {
		if (b->keys.stable == 0)
			b->wait_release = 0;
		return;
	}
	if (pressed)
		key_pressed(b, pressed);
}

/* Build the face from the state. */
static void make_face(const board *b, board_face *f)
{
	memset(f, 0, sizeof *f);
	f->role = b->cfg.role;
	f->address = b->cfg.address;
	f->offline = b->offline;
	f->flashing = b->flashing;
	f->lit = !b->flashing || ((b->now_ms / BLINK_HALF_MS) & 1) == 0;
	f->brightness = (uint8_t)b->brightness;
	f->lamp = (uint8_t)b->lamp;
	f->prompt = (uint8_t)b->prompt;
	f->counter = b->cfg.counter;
	f->notice = b->notice;
	f->number = b->number;
	f->typed_len = b->typed_len;
	f->typed = b->typed_len ? b->typed : 0;
	for (int i = 0; i < BOARD_HALL_ROWS; i++) {
		f->hall[i][0] = b->hall[2 * i];
		f->hall[i][1] = b->hall[2 * i + 1];
	}
}

/* See board.h. */
void board_poll(board *b)
{
	board_face f;

	tick(b);
	service_frames(b, b->last_us);
	scan_keys(b, b->last_us);
	if (b->flashing && after(b->now_ms, b->flash_until_ms))
		b->flashing = 0;
	if (b->unlock_stage && after(b->now_ms, b->unlock_until_ms))
		b->unlock_stage = 0;
	if (b->typed_len && b->now_ms - b->typed_ms >= TYPED_TIMEOUT_MS)
		b->typed_len = 0;
	if ((b->notice == BOARD_NOTICE_THANKS || b->notice == BOARD_NOTICE_FACTORY) &&
	    after(b->now_ms, b->notice_until_ms))
		b->notice = BOARD_NOTICE_NONE;
	if (!b->offline && b->now_ms - b->last_poll_ms >= b->offline_s * 1000u)
		b->offline = 1;
	make_face(b, &f);
	if (!b->face_valid || memcmp(&f, &b->face, sizeof f) != 0) {
		b->face = f;
		b->face_valid = 1;
		b->port->show(b->port->arg, &f);
	}
	b->port->wdt_kick(b->port->arg);
}

/* See board.h. */
uint32_t board_wait_us(const board *b)
{
	uint32_t w = mbslave_wait_us(&b->mb, b->port->now_us(b->port->arg));
	return w < 10000 ? w : 10000;
}
