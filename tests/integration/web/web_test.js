// web_test.js - browser tests of the staff console and the manager dashboard
// in real headless Chromium (Debian's /usr/bin/chromium, driven by
// playwright-core).  Starts its own onestopd on a temp database, waits for
// its "listening" line, and checks: a wrong password is refused; a staff
// account cannot open the manager's pages nor call the statistics; CSRF
// protection of cookie sessions; logout and session expiry; open, call next
// (the wall state changes), the counter is not double-called by two browsers,
// transfer, finish, the dashboard updates live; the console survives a
// daemon restart without a reload and shows the new state; the report
// prints to PDF.  Screenshots go to $B/web-shots/.
'use strict';
const { execFileSync } = require('child_process');
const fs = require('fs');
const path = require('path');

const T = require('./lib.js').webTest('web');
const { SHOTS, DB, check, addUser, start, stop, api, login } = T;

let port = 0, base = '', browser = null;

async function counterState(token, n) {
  const s = await api('GET', '/api/v1/state', null, token);
  return s.body.counters.find(c => c.number === n);
}

async function main() {
  addUser('nv01', 'matkhau-nv01', 'staff', '1,2');
  addUser('ql01', 'matkhau-ql01', 'manager');
  port = await start(0);
  base = 'http://127.0.0.1:' + port;
  const mg = (await api('POST', '/api/v1/login', { user: 'ql01', password: 'matkhau-ql01' })).body.token;

  browser = await T.launch();
  const viewport = { width: 1366, height: 768 };
  const staffCtx = await browser.newContext({ viewport, locale: 'vi-VN' });
  const staff = await staffCtx.newPage();

  // A wrong password is refused.
  await login(staff, 'nv01', 'sai-mat-khau');
  await staff.waitForFunction(() => document.getElementById('msg').textContent.length > 0);
  check((await staff.textContent('#msg')) === 'Sai tên đăng nhập hoặc mật khẩu.', 'wrong password refused with a Vietnamese message');
  check(new URL(staff.url()).pathname === '/', 'still on the login page');

  // Staff logs in, lands on the console; cannot open the manager's pages.
  await login(staff, 'nv01', 'matkhau-nv01');
  await staff.waitForURL(base + '/staff');
  await staff.waitForSelector('#counter option', { state: 'attached' });
  check(true, 'staff logged in and sees the console');
  const denied = await staffCtx.newPage();
  await denied.goto(base + '/manager');
  await denied.waitForSelector('#denied');
  check((await denied.textContent('#denied h2')) === 'Không có quyền truy cập', 'staff cannot open /manager');
  await denied.goto(base + '/report');
  await denied.waitForSelector('#denied');
  check(true, 'staff cannot open /report');
  let r = await denied.request.get(base + '/api/v1/stats/live');
  check(r.status() === 403, 'staff cookie: GET stats/live is 403');
  r = await denied.request.get(base + '/api/v1/stats/report?from=2020-01-01');
  check(r.status() === 403, 'staff cookie: GET stats/report is 403');
  r = await denied.request.get(base + '/api/v1/stats/counters/3/today');
  check(r.status() === 403, 'staff cookie: another counter\'s figures are 403');
  r = await denied.request.get(base + '/api/v1/stats/counters/1/today');
  check(r.status() === 200, 'staff cookie: own counter\'s figures are 200');
  // CSRF: a write with the cookie but without the header is refused.
  r = await denied.request.post(base + '/api/v1/counters/1/open', { data: {} });
  check(r.status() === 403 && (await r.json()).error === 'csrf', 'cookie POST without X-CSRF-Token is 403 csrf');
  r = await denied.request.post(base + '/api/v1/counters/1/open', { data: {}, headers: { 'X-CSRF-Token': 'x'.repeat(48) } });
  check(r.status() === 403, 'cookie POST with a wrong X-CSRF-Token is 403');
  await denied.close();
  // Without any login every statistics call is 401.
  for (const p of ['/api/v1/stats/live', '/api/v1/stats/report', '/api/v1/stats/counters/1/today']) {
    const x = await api('GET', p);
    check(x.status === 401, 'no login: ' + p + ' is 401');
  }
  const x = await api('GET', '/api/v1/stats/report?from=2026-01-01&queue=' + encodeURIComponent("x' OR 1=1--"), null, mg);
  check(x.status === 400, 'a filter that is not a code is refused (400)');

  // The manager's dashboard, in another browser.
  const mgrCtx = await browser.newContext({ viewport, locale: 'vi-VN' });
  const mgr = await mgrCtx.newPage();
  await login(mgr, 'ql01', 'matkhau-ql01');
  await mgr.waitForURL(base + '/manager');
  await mgr.waitForSelector('#c-served');

  // Open counter 1 and call next: the console and the wall state change.
  for (let i = 0; i < 3; i++) await api('POST', '/api/v1/tickets', { queue: 'TP-LL' }, mg);
  await staff.selectOption('#counter', '1');
  await staff.click('#b-open');
  await staff.waitForSelector('#b-next:not([disabled])');
  check((await staff.textContent('#nwait')) === '3', 'the waiting list shows the 3 tickets');
  // A ticket of another department's queue, which counter 1 backs up
  // (serves = TP-LL, *:backup): listed after its own queue's, marked.
  await api('POST', '/api/v1/tickets', { queue: 'KH-DN' }, mg);
  await staff.waitForFunction(() => document.getElementById('nwait').textContent === '4');
  const rows = await staff.$$eval('#waiting tbody tr', trs => trs.map(t => t.textContent));
  check(/^1001/.test(rows[0]) && !/hỗ trợ/.test(rows[0]) && /^2001.*\(hỗ trợ\)/.test(rows[3]),
    'the backed-up queue\'s ticket comes after the counter\'s own, marked (' + rows.join(' | ') + ')');
  await staff.keyboard.press('F2');
  await staff.waitForFunction(() => document.getElementById('tnum').textContent === '1001');
  let c1 = await counterState(mg, 1);
  check(c1.ticket && c1.ticket.number === 1001 && c1.ticket.state === 'called', 'F2 called 1001: the wall state shows it at counter 1');
  await mgr.waitForFunction(() => /1001/.test(document.querySelector('#counters tr[data-counter="1"]').textContent));
  check(true, 'the dashboard shows counter 1 calling 1001 without a reload');
  await staff.screenshot({ path: path.join(SHOTS, 'staff-console.png') });

  // Transfer 1001 to another queue.
  await staff.keyboard.press('F8');
  await staff.selectOption('#tr-queue', 'TP-HT');
  await staff.click('#tr-ok');
  await staff.waitForFunction(() => document.getElementById('tnum').textContent === '—');
  const st = (await api('GET', '/api/v1/state', null, mg)).body;
  const moved = st.waiting.find(w => w.number === 1001);
  check(moved && moved.queue === 'TP-HT' && moved.transfers === 1, 'transfer moved 1001 to TP-HT');

  // Next, start, finish: today's figures and the dashboard follow.
  await staff.keyboard.press('F2');
  await staff.waitForFunction(() => document.getElementById('tnum').textContent !== '—');
  await staff.waitForSelector('#b-start:not([disabled])');
  await staff.keyboard.press('F6');
  await staff.waitForFunction(() => /Đang phục vụ/.test(document.getElementById('tinfo').textContent));
  await staff.keyboard.press('F4');
  await staff.waitForFunction(() => document.getElementById('tnum').textContent === '—');
  await staff.waitForFunction(() => (document.getElementById('today-served') || {}).textContent === '1');
  check(true, 'F4 finished; the counter\'s figures today show 1 served');
  await mgr.waitForFunction(() => document.querySelector('#c-served b').textContent === '1');
  check(true, 'the dashboard\'s served-today card went to 1 live');
  await mgr.screenshot({ path: path.join(SHOTS, 'manager-live.png') });

  // Two browsers on the same counter cannot call two tickets at once.
  const staff2Ctx = await browser.newContext({ viewport });
  const staff2 = await staff2Ctx.newPage();
  await login(staff2, 'nv01', 'matkhau-nv01');
  await staff2.waitForURL(base + '/staff');
  await staff2.waitForSelector('#counter option', { state: 'attached' });
  const race = await Promise.all([staff, staff2].map(p => p.evaluate(() =>
    OS.api('POST', '/api/v1/counters/1/next').then(() => 'ok', e => e.error))));
  check(race.filter(v => v === 'ok').length === 1 && race.filter(v => v === 'counter_busy').length === 1,
    'two browsers pressing next together: one call, one counter_busy (' + race.join(',') + ')');
  c1 = await counterState(mg, 1);
  await staff.waitForFunction(n => document.getElementById('tnum').textContent === String(n), c1.ticket.number);
  await staff2.waitForFunction(n => document.getElementById('tnum').textContent === String(n), c1.ticket.number);
  check(true, 'both browsers show the same called ticket');
  await staff2Ctx.close();
  await staff.keyboard.press('F7');   // no-show
  await staff.waitForFunction(() => document.getElementById('tnum').textContent === '—');

  // A daemon restart: the console greys out, then shows the new state by itself.
  const before = +(await staff.textContent('#nwait'));
  await stop();
  await staff.waitForSelector('#conn.off');
  check(await staff.evaluate(() => document.getElementById('app').classList.contains('stale')), 'while the daemon is down the console is greyed out');
  await start(port);
  await api('POST', '/api/v1/tickets', { queue: 'TP-LL' }, mg);
  await staff.waitForSelector('#conn.on', { state: 'attached' });
  await staff.waitForFunction(n => document.getElementById('nwait').textContent === String(n) &&
    !document.getElementById('app').classList.contains('stale'), before + 1);
  check(true, 'after the restart the console reconnected and shows the ticket issued since, without a reload');

  // The history view, CSV and the printable report.
  await mgr.click('#tab-hist');
  await mgr.waitForSelector('#htable tbody tr');
  await mgr.waitForFunction(() => document.querySelector('#h-issued b').textContent === '5');
  check(true, 'history: 5 issued today');
  const img = await mgr.waitForSelector('#chart img');
  await mgr.waitForFunction(i => i.complete && i.naturalWidth > 0, img);
  check(true, 'history: the server-drawn SVG chart loaded');
  await mgr.screenshot({ path: path.join(SHOTS, 'manager-history.png'), fullPage: true });
  const csv = await mgr.request.get(base + '/api/v1/stats/report?by=queue&format=csv');
  const csvText = await csv.text();
  check(csv.status() === 200 && /^\uFEFFMã,Tên/.test(csvText) && /\r\nTP-HT,"Hộ tịch, quốc tịch",/.test(csvText), 'CSV export of the view');
  const rep = await mgrCtx.newPage();
  await rep.goto(base + '/report');
  await rep.waitForSelector('body[data-ready="1"]');
  await rep.waitForFunction(() => [...document.images].every(i => i.complete && i.naturalWidth > 0));
  check((await rep.$$('.report-page')).length === 1, 'the report has one page for one day');
  const totalRow = await rep.$$eval('#t-dept tfoot tr td', tds => tds.map(t => t.textContent));
  check(totalRow[0] === 'Tổng cộng' && totalRow[1] === '5' && totalRow[2] === '1',
    'the report shows today\'s 5 issued, 1 served (' + totalRow.slice(0, 3).join(',') + ')');
  await rep.screenshot({ path: path.join(SHOTS, 'report.png'), fullPage: true });
  await rep.pdf({ path: path.join(SHOTS, 'report.pdf'), format: 'A4' });
  check(fs.statSync(path.join(SHOTS, 'report.pdf')).size > 5000, 'the report printed to PDF');

  // Logout ends the session; an expired session is refused.
  const cookies = await staffCtx.cookies();
  const sess = cookies.find(c => c.name === 'onestop_session');
  check(sess && sess.httpOnly && sess.sameSite === 'Strict', 'session cookie is HttpOnly, SameSite=Strict');
  const mg2 = (await api('POST', '/api/v1/login', { user: 'ql01', password: 'matkhau-ql01' })).body.token;
  execFileSync('sqlite3', [DB, 'PRAGMA busy_timeout=5000; UPDATE sessions SET expires = 1 WHERE expires > 1 AND created_at = (SELECT max(created_at) FROM sessions) AND rowid = (SELECT max(rowid) FROM sessions);']);
  const exp = await api('GET', '/api/v1/stats/live', null, mg2);
  check(exp.status === 401, 'an expired session is refused (401)');
  await staff.click('#logout');
  await staff.waitForURL(base + '/');
  r = await staff.request.get(base + '/api/v1/me', { headers: { Cookie: 'onestop_session=' + sess.value } });
  check(r.status() === 401, 'after logout the old session cookie is refused');
}

T.run(main);
