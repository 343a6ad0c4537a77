// booking_test.js - the public booking page /dat-lich in real headless
// Chromium on a 360x740 phone.  Starts its own onestopd on a copy of the
// demo centre whose [booking] section is open around the clock (5-minute
// slots, 2 a slot, 1 remote ticket a queue a day), so it runs at any hour,
// and checks what a person sees:
//  - the procedure found by typing without diacritics, the days and the
//    slots with the places left;
//  - a phone number that is not one is refused with a Vietnamese message
//    and nothing is booked;
//  - a booking gives its code in big type and its QR code;
//  - the same phone in the same slot again, and a slot filled meanwhile,
//    get the server's Vietnamese answer (and the slots are reloaded);
//  - a booking found by its code typed in lower case, moved, cancelled;
//    a code typed wrong says so;
//  - a number for today (remote ticket) with the link to its status page,
//    and the day's cap said;
//  - no horizontal scrolling;
//  - at the staff console (1366x768), a visitor's code checked in issues
//    an appointment ticket, said with its number; a wrong code is said;
//  - the manager's live view counts today's appointments (booked, come,
//    no-shows).
// Screenshots go to $B/web-shots/booking-*.png.
'use strict';
const fs = require('fs');
const path = require('path');

const { webTest, text, noHScroll } = require('./lib.js');
const T = webTest('booking');
const { SHOTS, CFG, check, addUser, start, stop, api, login } = T;

const PHONE = { viewport: { width: 360, height: 740 }, deviceScaleFactor: 2, isMobile: true,
  hasTouch: true, locale: 'vi-VN' };
let base = '', browser = null;

/* The test's private centre (lib.js), with slots all day long. */
function writeConfig() {
  let ini = fs.readFileSync(CFG, 'utf8');
  ini = ini.replace(/^\[booking\]\n(?:[^[\n][^\n]*\n|\n)*/m,
    '[booking]\nslot_min = 5\nhours = 00:00-24:00\ncapacity = 2\nclosed_days = none\n' +
    'horizon_days = 3\nearly_min = 240\nlate_min = 15\nremote_cap = 1\n\n');
  fs.writeFileSync(CFG, ini);
}

const shot = (page, name) => page.screenshot({ path: path.join(SHOTS, 'booking-' + name + '.png'), fullPage: true });
const waitText = (page, sel, want) => page.waitForFunction(([s, w]) => {
  const e = document.querySelector(s);
  return e && !e.hidden && e.textContent.replace(/\s+/g, ' ').includes(w);
}, [sel, want], { timeout: 20000 });

let proc = '';
async function leftOf(day, time) {
  const r = await api('GET', '/api/v1/public/slots?procedure=' + proc);
  const d = r.body.days.find(x => x.day === day);
  const s = d && d.slots.find(x => x.time === time);
  return s ? s.left : -1;
}

/* Open the page, find "khai sinh", choose the birth registration. */
async function openAndChoose(ctx) {
  const page = await ctx.newPage();
  page.on('dialog', d => d.accept());
  const resp = await page.goto(base + '/dat-lich');
  check(resp.status() === 200, 'GET /dat-lich is 200');
  await page.fill('#q', 'dang ky khai sinh');
  await page.waitForSelector('#hits button');
  const first = await text(page, '#hits li:first-child button');
  check(first.startsWith('Đăng ký khai sinh'), 'typed without diacritics, found: ' + first);
  await page.click('#hits li:first-child button');
  await page.waitForSelector('#days button');
  return page;
}

/* Pick the last day and a time on the page. */
async function pick(page, day, time) {
  await page.click('#days button:last-child');
  await page.waitForSelector('#slots button');
  const b = await page.$('#slots button:has-text("' + time + '")');
  await b.click();
}

async function main() {
  writeConfig();
  addUser('nv01', 'matkhau-nv01', 'staff', '1');
  addUser('ql01', 'matkhau-ql01', 'manager');
  base = 'http://127.0.0.1:' + await start(0);
  browser = await T.launch();
  proc = (await api('GET', '/api/v1/procedures?q=dang+ky+khai+sinh&limit=1')).body.procedures[0].code;
  const slots = (await api('GET', '/api/v1/public/slots?procedure=' + proc)).body;
  const day = slots.days[slots.days.length - 1].day;
  const dmy = day.slice(8, 10) + '/' + day.slice(5, 7) + '/' + day.slice(0, 4);

  const ctx = await browser.newContext(PHONE);
  let page = await openAndChoose(ctx);
  check((await page.title()) === 'Đặt lịch hẹn – lấy số từ xa', 'title: ' + await page.title());
  const lastDay = await text(page, '#days button:last-child');
  check(lastDay.endsWith(dmy) && /^(Thứ (Hai|Ba|Tư|Năm|Sáu|Bảy)|Chủ nhật), /.test(lastDay),
    'the day with its weekday: ' + lastDay);
  await pick(page, day, '10:00');
  check((await text(page, '#slots button:has-text("10:00")')).includes('còn 2 chỗ'), 'the slot says "còn 2 chỗ"');
  check((await text(page, '#summary')).includes('10:00') && (await text(page, '#summary')).includes(dmy),
    'the summary names the slot');
  check(await noHScroll(page), 'choosing: no horizontal scroll at 360 px');
  await shot(page, 'choose');

  // A phone number that is not one.
  await page.fill('#name', 'Nguyễn Văn An');
  await page.fill('#phone', '12345');
  await page.click('#b-book');
  await waitText(page, '#msg', 'Số điện thoại không hợp lệ: hãy nhập số di động Việt Nam');
  check(true, 'a bad phone number is said in Vietnamese');
  check(await leftOf(day, '10:00') === 2, '... and nothing is booked');

  // The booking.
  await page.fill('#phone', '0912 345 678');
  await page.click('#b-book');
  await waitText(page, '#s-done', 'Đặt lịch thành công');
  const code = await text(page, '#bcode');
  check(/^[A-Z2-9]{8}$/.test(code), 'the booking code: ' + code);
  const codePx = await page.$eval('#bcode', e => parseFloat(getComputedStyle(e).fontSize));
  check(codePx >= 32, 'the code is big (' + codePx + ' px)');
  await page.waitForFunction(() => { const i = document.querySelector('#s-done img'); return i && i.complete && i.naturalWidth > 0; });
  check(true, 'its QR code is shown');
  check((await text(page, '#s-done')).includes('Lúc 10:00') && (await text(page, '#s-done')).includes(dmy),
    'the day and time are repeated');
  check(await leftOf(day, '10:00') === 1, 'one place left');
  check(await noHScroll(page), 'booked: no horizontal scroll');
  await shot(page, 'booked');
  await page.close();

  // The same phone in the same slot.
  page = await openAndChoose(ctx);
  await pick(page, day, '10:00');
  await page.fill('#name', 'Nguyễn Văn An');
  await page.fill('#phone', '+84912345678');
  await page.click('#b-book');
  await waitText(page, '#msg', 'Số điện thoại này đã có lịch hẹn vào khung giờ 10:00 ngày ' + dmy);
  check(true, 'a double booking is said: ' + await text(page, '#msg'));
  // The slot fills meanwhile: the server says so and the page reloads the slots.
  check((await api('POST', '/api/v1/public/bookings', { procedure: proc, day, time: '10:00',
    name: 'Trần Thị Bình', phone: '0387654321' })).status === 201, 'another visitor takes the last place');
  await page.fill('#phone', '0961234567');
  await page.click('#b-book');
  await waitText(page, '#msg', 'đã hết chỗ; hãy chọn khung giờ khác');
  check(true, 'a full slot is said: ' + await text(page, '#msg'));
  await page.waitForFunction(() => {
    const b = [...document.querySelectorAll('#slots button')].find(x => x.textContent.startsWith('10:00'));
    return b && b.disabled && b.textContent.includes('hết chỗ');
  });
  check(true, 'the slot now shows "hết chỗ", disabled');
  await shot(page, 'full');

  // Found by the code typed in lower case; moved; cancelled.
  await page.fill('#code', code.toLowerCase());
  await page.click('#b-find');
  await waitText(page, '#found', 'Trạng thái: Đã đặt');
  check((await text(page, '#found')).includes('Lúc 10:00'), 'found by its code');
  await page.click('#found button:has-text("Đổi ngày giờ")');
  await waitText(page, '#chosen', 'Đổi lịch hẹn ' + code);
  await pick(page, day, '10:30');
  await waitText(page, '#s-done', 'Đã đổi lịch hẹn');
  check((await text(page, '#s-done')).includes('Lúc 10:30'), 'moved to 10:30');
  check(await leftOf(day, '10:00') === 1 && await leftOf(day, '10:30') === 1, 'the old place is free');
  await page.click('#found button:has-text("Huỷ lịch hẹn")');
  await waitText(page, '#fstate', 'Đã huỷ');
  check(await leftOf(day, '10:30') === 2, 'cancelled: the place is free');
  await page.fill('#code', 'ZZZZ2222');
  await page.click('#b-find');
  await waitText(page, '#msg', 'Không tìm thấy lịch hẹn mã ZZZZ2222; hãy kiểm tra lại mã.');
  check(true, 'a code typed wrong is said');
  await page.fill('#code', 'abc');
  await page.click('#b-find');
  await waitText(page, '#msg', 'Mã lịch hẹn không đúng');
  check(true, 'a malformed code is said');
  check(await noHScroll(page), 'lookup: no horizontal scroll');
  await shot(page, 'lookup');
  await page.close();

  // A number for today.
  page = await openAndChoose(ctx);
  check(await page.isVisible('#b-remote'), 'the button "Lấy số hôm nay"');
  await page.click('#b-remote');
  await waitText(page, '#s-done', 'Đã lấy số');
  const num = await text(page, '#s-done .number');
  check(/^\d{4}$/.test(num), 'the number: ' + num);
  await shot(page, 'remote');
  await page.click('#follow');
  await page.waitForSelector('#number');
  check(await text(page, '#number') === String(+num), 'its status page shows number ' + num);
  page = await openAndChoose(ctx);
  await page.click('#b-remote');
  await waitText(page, '#msg', 'đã cấp hết 1 số từ xa');
  check(true, 'the day\'s cap is said: ' + await text(page, '#msg'));
  await page.close();

  // The staff console checks a visitor in (today: the first day listed is
  // today, but after 23:50).
  // The second slot listed: it starts 5 to 10 minutes from now, so it has
  // not begun by the time it is booked.
  const fresh = (await api('GET', '/api/v1/public/slots?procedure=' + proc)).body.days;
  const today = fresh[0];
  if (fresh.length < 4 || today.slots.length < 2) {
    console.log('skip the console and dashboard: no second slot left today (after 23:50)');
    return;
  }
  const bk = await api('POST', '/api/v1/public/bookings', { procedure: proc, day: today.day,
    time: today.slots[1].time, name: 'Phạm Thị Dung', phone: '0961234567' });
  check(bk.status === 201, 'booked today ' + today.day + ' ' + today.slots[1].time);
  const desk = await browser.newContext({ viewport: { width: 1366, height: 768 }, locale: 'vi-VN' });
  const sp = await desk.newPage();
  await login(sp, 'nv01', 'matkhau-nv01');
  await sp.waitForURL(base + '/staff');
  await sp.fill('#appt-code', 'ZZZZ2222');
  await sp.click('#b-appt');
  await waitText(sp, '#appt-msg', 'Không tìm thấy lịch hẹn mã ZZZZ2222');
  check(true, 'console: a wrong code is said');
  await sp.fill('#appt-code', bk.body.booking.code.toLowerCase());
  await sp.click('#b-appt');
  await waitText(sp, '#appt-msg', 'Lịch hẹn ' + bk.body.booking.code + ': đã cấp số ');
  const said = await text(sp, '#appt-msg');
  check(said.endsWith('(ưu tiên theo lịch hẹn).'), 'console: ' + said);
  await sp.screenshot({ path: path.join(SHOTS, 'booking-console.png') });
  await sp.click('#b-appt');
  await sp.fill('#appt-code', bk.body.booking.code);
  await sp.click('#b-appt');
  await waitText(sp, '#appt-msg', 'đã được xác nhận và lấy số');
  check(true, 'console: the same code again is refused');
  await desk.close();

  // The manager's live view: today's appointments (one booked, come).
  const mctx = await browser.newContext({ viewport: { width: 1366, height: 768 }, locale: 'vi-VN' });
  const mp = await mctx.newPage();
  await login(mp, 'ql01', 'matkhau-ql01');
  await mp.waitForURL(base + '/manager');
  await waitText(mp, '#c-bookings', 'Lịch hẹn hôm nay: đặt / đã đến / vắng');
  check((await text(mp, '#c-bookings')).endsWith('1 / 1 / 0'), 'dashboard: ' + await text(mp, '#c-bookings'));
  await mctx.close();
}

T.run(main);
