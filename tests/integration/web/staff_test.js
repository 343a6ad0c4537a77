// staff_test.js - the staff console says what happened and why, in real
// headless Chromium (Debian's /usr/bin/chromium, driven by playwright-core),
// against its own onestopd on a temp database.  Checks the text a person
// reads on the page:
//   - recalls: each one said, the last one before the no-show warned, the
//     no-show after the limit said with the number and the calls made;
//   - a refusal names the action and the state (recall of a ticket being
//     served);
//   - a parked ticket: "Gọi lại" calls it, "Đưa lại hàng chờ" puts it back
//     in the list, each with its message; "Gọi lại" while another ticket is
//     called is refused with the reason;
//   - recalls and a no-show made elsewhere (a keypad, another desk) are
//     said on the console too;
//   - a paused counter says since when and why.
// Screenshots go to $B/web-shots/staff-*.png.
'use strict';
const path = require('path');

const T = require('./lib.js').webTest('staff');
const { SHOTS, check, addUser, start, api, login } = T;

const TZ = 'Asia/Ho_Chi_Minh';
let base = '', browser = null;

/* Wait until #id's text is want; false (and the text seen) after 5 s. */
async function textIs(page, id, want) {
  try {
    await page.waitForFunction(([i, w]) => document.getElementById(i).textContent === w, [id, want],
      { timeout: 5000 });
    return true;
  } catch (e) {
    console.log('     #' + id + ' shows "' + await page.textContent('#' + id) + '", want "' + want + '"');
    return false;
  }
}

/* Press a function key once its button can be used. */
async function key(page, k, button) {
  await page.waitForSelector('#' + button + ':not([disabled])');
  await page.keyboard.press(k);
}

async function main() {
  addUser('nv01', 'matkhau-nv01', 'staff', '1,2');
  addUser('ql01', 'matkhau-ql01', 'manager');
  base = 'http://127.0.0.1:' + await start(0, { TZ });
  const mg = (await api('POST', '/api/v1/login', { user: 'ql01', password: 'matkhau-ql01' })).body.token;
  for (let i = 0; i < 3; i++) await api('POST', '/api/v1/tickets', { queue: 'TP-LL' }, mg);

  browser = await T.launch();
  const ctx = await browser.newContext({ viewport: { width: 1366, height: 768 }, locale: 'vi-VN', timezoneId: TZ });
  const page = await ctx.newPage();
  await login(page, 'nv01', 'matkhau-nv01');
  await page.waitForURL(base + '/staff');
  await page.waitForSelector('#counter option', { state: 'attached' });
  await page.selectOption('#counter', '1');
  await page.click('#b-open');

  // Recalls (recall_limit = 2 in the demo centre): said, the last one
  // warned, the one after that is the no-show, said.
  await key(page, 'F2', 'b-next');
  check(await textIs(page, 'tnum', '1001'), 'F2 called 1001');
  await key(page, 'F3', 'b-recall');
  check(await textIs(page, 'msg', 'Đã gọi lại số 1001 (lần gọi thứ 2).'), 'first recall said');
  await key(page, 'F3', 'b-recall');
  check(await textIs(page, 'msg', 'Gọi lại lần cuối: lần sau sẽ tính là vắng mặt.'),
    'the last recall before the no-show warns');
  await page.screenshot({ path: path.join(SHOTS, 'staff-last-recall.png') });
  await key(page, 'F3', 'b-recall');
  check(await textIs(page, 'msg', 'Số 1001 đã được chuyển thành vắng mặt sau 3 lần gọi.'),
    'the third recall says the ticket became a no-show');
  check(await textIs(page, 'tinfo', 'Chưa gọi số nào.'), 'and the panel is free again');
  const t1001 = (await api('GET', '/api/v1/tickets/1', null, mg)).body.ticket;
  check(t1001.state === 'no_show', '1001 is a no-show in the store');

  // A refusal names the action and the state.
  await key(page, 'F2', 'b-next');
  check(await textIs(page, 'tnum', '1002'), 'F2 called 1002');
  await key(page, 'F6', 'b-start');
  await page.waitForFunction(() => /Đang phục vụ/.test(document.getElementById('tinfo').textContent));
  await key(page, 'F3', 'b-recall');
  check(await textIs(page, 'msg', 'Không thể gọi lại: số 1002 đang được phục vụ.'),
    'recall of a ticket being served: refused, saying why');
  const ns = await page.evaluate(() => OS.api('POST', '/api/v1/counters/1/no-show').then(() => 'ok', e => e.message));
  check(ns === 'Không thể ghi vắng mặt: số 1002 đang được phục vụ.', 'no-show of it too (' + ns + ')');

  // Park; "Đưa lại hàng chờ" puts it back in the list; "Gọi lại" calls it.
  await key(page, 'F9', 'b-park');
  check(await textIs(page, 'msg', 'Đã tạm gác số 1002.'), 'park said');
  const row = '#waiting tr[data-number="1002"]';
  await page.waitForSelector(row + ' button[data-unpark]');
  check((await page.textContent(row + ' button[data-callback]')) === 'Gọi lại' &&
    (await page.textContent(row + ' button[data-unpark]')) === 'Đưa lại hàng chờ',
    'a parked ticket offers "Gọi lại" and "Đưa lại hàng chờ"');
  await page.screenshot({ path: path.join(SHOTS, 'staff-parked.png') });
  await page.click(row + ' button[data-unpark]');
  check(await textIs(page, 'msg', 'Số 1002 đã được đưa lại hàng chờ của quầy.'), '"Đưa lại hàng chờ" said');
  await page.waitForSelector(row + ' button', { state: 'detached' });
  check(await textIs(page, 'tnum', '—'), 'and nothing was called');
  await key(page, 'F2', 'b-next');
  check(await textIs(page, 'tnum', '1002'), 'F2 then calls 1002 first (it was set aside here)');
  await key(page, 'F9', 'b-park');
  await page.waitForSelector(row + ' button[data-callback]');
  await page.click(row + ' button[data-callback]');
  check(await textIs(page, 'msg', 'Đã gọi lại số 1002 đang tạm gác.'), '"Gọi lại" said');
  check(await textIs(page, 'tnum', '1002'), '"Gọi lại" called 1002 at the counter');
  // "Gọi lại" while another ticket is called: refused, saying why.
  await key(page, 'F9', 'b-park');
  await key(page, 'F2', 'b-next');
  check(await textIs(page, 'tnum', '1003'), 'F2 called 1003');
  await page.waitForSelector(row + ' button[data-callback]:not([disabled])');
  await page.click(row + ' button[data-callback]');
  check(await textIs(page, 'msg', 'Không thể gọi số 1002: Quầy 1 đang gọi số 1003;' +
    ' hãy kết thúc, chuyển hoặc tạm gác số này trước.'), '"Gọi lại" while 1003 is called: refused, saying why');

  // Paused: since when and why.
  await key(page, 'F4', 'b-finish');
  check(await textIs(page, 'tinfo', 'Chưa gọi số nào.'), 'finished');
  // Recalls and the no-show made elsewhere (the counter's keypad, another
  // desk; here the manager's API calls): the console says them too.
  await api('POST', '/api/v1/tickets', { queue: 'TP-LL' }, mg);
  const called = (await api('POST', '/api/v1/counters/1/next', null, mg)).body.ticket;
  const n4 = String(called.number).padStart(4, '0');
  check(await textIs(page, 'tnum', n4), 'a call made elsewhere shows on the panel (' + n4 + ')');
  await api('POST', '/api/v1/counters/1/recall', null, mg);
  check(await textIs(page, 'msg', 'Số ' + n4 + ' vừa được gọi lại từ bàn phím quầy hoặc nơi khác.'),
    'a recall made elsewhere is said');
  await api('POST', '/api/v1/counters/1/recall', null, mg);
  const last = (await api('POST', '/api/v1/counters/1/recall', null, mg)).body.ticket;
  check(last.state === 'no_show', 'the third recall made elsewhere is a no-show');
  check(await textIs(page, 'msg', 'Số ' + n4 + ' đã được ghi vắng mặt (từ bàn phím quầy hoặc nơi khác).'),
    'a no-show made elsewhere is said, not only the ticket gone from the panel');
  check(await textIs(page, 'tinfo', 'Chưa gọi số nào.'), 'and the panel is free');
  await page.waitForSelector('#b-pause:not([disabled])');
  await page.click('#b-pause');
  await page.selectOption('#pause-reason', 'Họp, tập huấn');
  await page.click('#pause-ok');
  await page.waitForFunction(() => /^Tạm dừng/.test(document.getElementById('cstate').textContent));
  const c1 = (await api('GET', '/api/v1/state', null, mg)).body.counters.find(c => c.number === 1);
  const since = new Date(c1.since * 1000).toLocaleTimeString('en-GB',
    { timeZone: TZ, hour: '2-digit', minute: '2-digit', hour12: false });
  check(c1.state === 'paused' && await textIs(page, 'tinfo', 'Quầy đang tạm dừng từ ' + since + ' — Lý do: Họp, tập huấn'),
    'paused: the panel says since when and why');
  await page.screenshot({ path: path.join(SHOTS, 'staff-paused.png') });
}

T.run(main);
