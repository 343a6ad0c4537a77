// status_test.js - the visitor's status page /t/CODE (the QR code on every
// ticket) in real headless Chromium on a 360x740 phone screen.  Starts its
// own onestopd on a copy of the demo centre whose kiosk printers write into
// the test's temp dir, waits for its "listening" line, and checks:
//  - a ticket printed at kiosk-2 names the same counters on paper (decoded
//    by onestop-printemu), in the API's ticket ("counters") and on the page,
//    also for a queue with two primary counters and for a ticket transferred
//    to another counter (reprinted);
//  - the page of a waiting ticket shows the centre, the number, procedure,
//    queue, people ahead and estimated wait, with no horizontal scrolling;
//    a long wait as the range the JSON gives ("khoảng 10–45 phút"), the
//    same on the paper;
//  - without any reload it follows the queue (one ahead fewer), then shows
//    "Đến lượt bạn … đến quầy 2 (Quầy 2 · Khu A)" with the title changed
//    and the phone vibrated, then "đã phục vụ xong";
//  - cancelled and no-show tickets say so; a wrong code is a 404 page;
//  - with JavaScript off the page is whole and reloads itself;
//  - with the stream refused (503) the page polls and still follows.
// Screenshots go to $B/web-shots/status-*.png.
'use strict';
const { execFileSync } = require('child_process');
const fs = require('fs');
const path = require('path');

const { webTest, text, noHScroll } = require('./lib.js');
const T = webTest('status');
const { B, ROOT, SHOTS, TMP, check, addUser, start, stop } = T;

const EMU = path.join(ROOT, B, 'onestop-printemu');
const PHONE = { viewport: { width: 360, height: 740 }, deviceScaleFactor: 2, isMobile: true,
  hasTouch: true, locale: 'vi-VN' };
let base = '', token = '', browser = null;

/* Every call as the manager once logged in. */
const api = (method, p, body) => T.api(method, p, body, token);

const issue = async body => (await api('POST', '/api/v1/tickets', body)).body;
const counter = (n, action, body) => api('POST', '/api/v1/counters/' + n + '/' + action, body || {});
const shot = (page, name) => page.screenshot({ path: path.join(SHOTS, 'status-' + name + '.png'), fullPage: true });
const waitText = (page, sel, want) => page.waitForFunction(([s, w]) => {
  const e = document.querySelector(s);
  return e && e.textContent.replace(/\s+/g, ' ').includes(w);
}, [sel, want], { timeout: 20000 });

/* The text lines of what printer kiosk-2 (58 mm, all printer text) printed. */
function decodePaper() {
  const out = path.join(TMP, 'kiosk-2.txt');
  execFileSync(EMU, ['decode', path.join(TMP, 'printer-kiosk-2.escpos'), '--paper', '384', '--text', out],
    { stdio: ['ignore', 'ignore', 'inherit'] });
  return fs.readFileSync(out, 'utf8').split('\n');
}

async function main() {
  addUser('ql01', 'matkhau-ql01', 'manager');
  base = 'http://127.0.0.1:' + await start(0);
  token = (await api('POST', '/api/v1/login', { user: 'ql01', password: 'matkhau-ql01' })).body.token;
  browser = await T.launch();

  // Two visitors before ours, then ours: a birth registration (TP-HT)
  // printed at kiosk-2.
  const t1 = (await issue({ queue: 'TP-HT', print: false })).ticket;
  const t2 = (await issue({ queue: 'TP-HT', print: false })).ticket;
  const mine = await issue({ procedure: '1.001252', kiosk: 'kiosk-2' });
  check(mine.printed === true, 'the ticket printed at kiosk-2');
  const t = mine.ticket;
  check(Array.isArray(t.counters) && t.counters.length > 0, 'the ticket JSON names its counters: ' +
    JSON.stringify(t.counters));
  const paper = decodePaper();
  const line = paper.find(l => l.startsWith('Quầy phục vụ: ')) || '';
  check(line === 'Quầy phục vụ: ' + t.counters.join(', '),
    'paper "' + line + '" = API counters ' + JSON.stringify(t.counters));
  check(paper.includes(String(t.number)), 'the paper shows number ' + t.number);
  const pub = (await api('GET', '/api/v1/public/tickets/' + t.code)).body;
  check(JSON.stringify(pub.counters) === JSON.stringify(t.counters), 'the public ticket names the same counters');

  // The phone opens the QR code's page.
  const ctx = await browser.newContext(PHONE);
  await ctx.addInitScript(() => {
    window.__buzz = [];
    navigator.vibrate = p => { window.__buzz.push(p); return true; };
  });
  const phone = await ctx.newPage();
  const resp = await phone.goto(base + '/t/' + t.code);
  check(resp.status() === 200, 'GET /t/CODE is 200');
  const centre = fs.readFileSync(path.join(ROOT, 'config/demo/centre.ini'), 'utf8')
    .match(/^\[centre\][^[]*?^name\s*=\s*(.+)$/m)[1].trim();
  check(await text(phone, '.centre') === centre, 'the centre\'s name (' + centre + ')');
  check(await text(phone, '#number') === String(t.number), 'the number big: ' + t.number);
  check(await text(phone, '.proc') === 'Đăng ký khai sinh', 'the procedure');
  check(await text(phone, '.queue') === 'Hộ tịch, quốc tịch', 'the queue');
  check(await text(phone, '.ahead') === 'Trước bạn còn 2 người', 'people ahead: ' + await text(phone, '.ahead'));
  // Nobody serves TP-HT yet: two ahead of a 12-minute service, a long
  // wait, so a range ("khoảng 10–45 phút": the default 0.6-1.8 x before
  // the day has taught anything), the same on the page, in the JSON and on
  // the paper (58 mm: wrapped after "khoảng").
  const lo = pub.est_low_s / 60, hi = pub.est_high_s / 60;
  check(lo < hi && lo % 5 === 0 && hi % 5 === 0 && lo * 60 <= pub.est_wait_min * 60 &&
    pub.est_wait_min <= hi, 'the JSON has a range ' + lo + '–' + hi + ' around ' + pub.est_wait_min + ' min');
  check(pub.est_text === 'khoảng ' + lo + '–' + hi + ' phút', 'its words: ' + pub.est_text);
  check(await text(phone, '.wait') === 'Thời gian chờ dự kiến: khoảng ' + lo + '–' + hi + ' phút',
    'the page shows the range: ' + await text(phone, '.wait'));
  const waitAt = paper.findIndex(l => l.startsWith('Thời gian chờ dự kiến:'));
  const paperWait = waitAt < 0 ? '' : (paper[waitAt] + ' ' + paper[waitAt + 1]).trim();
  check(paperWait === 'Thời gian chờ dự kiến: khoảng ' + lo + '–' + hi + ' phút',
    'the paper shows the same range: ' + paperWait);
  const where = await text(phone, '.where');
  check(where === 'Quầy phục vụ: ' + t.counters.join(', ') + ' · Khu A' && line.endsWith(t.counters.join(', ')),
    'the page names the paper\'s counters: ' + where);
  check((await phone.title()).includes('trước bạn 2 người'), 'title: ' + await phone.title());
  check(await noHScroll(phone), 'waiting: no horizontal scroll at 360 px');
  const fontPx = await phone.$eval('#number', e => parseFloat(getComputedStyle(e).fontSize));
  check(fontPx >= 64, 'the number is big (' + fontPx + ' px)');
  await waitText(phone, '#live', 'Đang theo dõi trực tiếp');
  check(true, 'the page says it follows live');
  await shot(phone, 'waiting');
  await phone.evaluate(() => { window.__same = 'not reloaded'; });

  // The queue moves: one fewer ahead, without a reload.
  await counter(2, 'open');
  const first = (await counter(2, 'next')).body.ticket;
  check(first.number === t1.number, 'counter 2 calls the first visitor');
  await waitText(phone, '.ahead', 'Trước bạn còn 1 người');
  check(true, 'the page follows: one ahead');
  await counter(2, 'finish');

  // Our turn (called by number): big, with the counter, the title changes.
  await counter(2, 'call', { number: t.number });
  await waitText(phone, '#status', 'đến quầy 2');
  check(await phone.evaluate(() => window.__same) === 'not reloaded', 'no reload: the same document');
  check(await text(phone, '.call') === 'Đến lượt bạn!', 'says "Đến lượt bạn!"');
  check(await text(phone, '.go') === 'Mời bạn đến quầy 2', 'says "Mời bạn đến quầy 2"');
  check(await text(phone, '.place') === 'Quầy 2 · Khu A', 'the counter\'s name and area');
  check(await phone.title() === 'Đến lượt bạn: mời đến quầy 2', 'title: ' + await phone.title());
  const colours = await phone.$eval('#status', e => [getComputedStyle(e).backgroundColor, getComputedStyle(e).color]);
  check(colours[0] === 'rgb(11, 93, 30)' && colours[1] === 'rgb(255, 255, 255)', 'high contrast: ' + colours);
  await phone.waitForFunction(() => window.__buzz.length === 1);
  check(true, 'the phone vibrated once');
  check(await noHScroll(phone), 'called: no horizontal scroll at 360 px');
  await phone.evaluate(() => document.getAnimations().forEach(a => a.finish()));
  await shot(phone, 'called');
  // Called again: it says so and vibrates again.
  await counter(2, 'recall');
  await waitText(phone, '.again', 'Gọi lần thứ 2');
  await phone.waitForFunction(() => window.__buzz.length === 2);
  check(true, 'recall: "Gọi lần thứ 2" and a second vibration');
  await phone.evaluate(() => document.getAnimations().forEach(a => a.finish()));
  await shot(phone, 'recalled');

  // Served, then finished.
  await counter(2, 'start');
  await waitText(phone, '#status', 'Bạn đang được phục vụ tại quầy 2');
  check(true, 'serving at counter 2');
  await counter(2, 'finish');
  await waitText(phone, '#status', 'Bạn đã được phục vụ xong');
  check((await phone.title()).includes('đã phục vụ xong'), 'done: title ' + await phone.title());
  check(await phone.evaluate(() => window.__same) === 'not reloaded', 'still the same document');
  await shot(phone, 'done');

  // Cancelled, and no-show (recall limit 2: the third recall is a no-show).
  const p2 = await ctx.newPage();
  await p2.goto(base + '/t/' + t2.code);
  await waitText(p2, '#live', 'Đang theo dõi trực tiếp');
  await api('POST', '/api/v1/tickets/' + t2.id + '/cancel', { reason: 'Khách về' });
  await waitText(p2, '#status', 'Vé này đã bị huỷ');
  check((await p2.title()).includes('vé đã bị huỷ'), 'cancelled: ' + await p2.title());
  await shot(p2, 'cancelled');
  const t3 = (await issue({ queue: 'TP-HT', print: false })).ticket;
  await p2.goto(base + '/t/' + t3.code);
  await waitText(p2, '#live', 'Đang theo dõi trực tiếp');
  await counter(2, 'next');
  await waitText(p2, '#status', 'đến quầy 2');
  await counter(2, 'no-show');
  await waitText(p2, '#status', 'bạn không có mặt tại quầy');
  check((await p2.title()).includes('vắng mặt'), 'no-show: ' + await p2.title());
  check(await noHScroll(p2), 'no-show: no horizontal scroll');
  await shot(p2, 'no-show');
  const bad = await p2.goto(base + '/t/khongco123');
  check(bad.status() === 404 && (await text(p2, 'h1')) === 'Không tìm thấy vé', 'a wrong code: 404 "Không tìm thấy vé"');

  // Without JavaScript: the same page from the server, reloading itself.
  const t4 = (await issue({ queue: 'TP-HT', print: false })).ticket;
  const nojs = await browser.newContext({ ...PHONE, javaScriptEnabled: false });
  const p3 = await nojs.newPage();
  await p3.goto(base + '/t/' + t4.code);
  check(await text(p3, '.ahead') === 'Bạn là người tiếp theo', 'no JS: ' + await text(p3, '.ahead'));
  check(await text(p3, '.where') === 'Quầy phục vụ: 2 · Khu A', 'no JS: the counters');
  check(await p3.$('noscript') !== null &&
    (await p3.content()).includes('<meta http-equiv="refresh" content="30">'), 'no JS: reloads every 30 s');
  check(await noHScroll(p3), 'no JS: no horizontal scroll');
  await shot(p3, 'nojs');

  // The stream refused (as past the server's cap): the page polls.
  const ctx4 = await browser.newContext(PHONE);
  await ctx4.route('**/events', r => r.fulfill({ status: 503, contentType: 'application/json',
    body: '{"error":"busy"}' }));
  const p4 = await ctx4.newPage();
  await p4.goto(base + '/t/' + t4.code);
  await counter(2, 'next');
  await waitText(p4, '#status', 'đến quầy 2');
  check(true, 'stream refused: polling still shows the call');
  check((await text(p4, '#live')).startsWith('Tự cập nhật mỗi 10 giây'), 'polling says so: ' + await text(p4, '#live'));

  // Transferred to counter 7: the page, the API and a reprint name 7 only.
  await counter(2, 'finish');
  const t5 = (await issue({ queue: 'TP-HT', print: false })).ticket;
  await phone.bringToFront();
  await phone.goto(base + '/t/' + t5.code);
  await waitText(phone, '#live', 'Đang theo dõi trực tiếp');
  await counter(2, 'next');
  await waitText(phone, '#status', 'đến quầy 2');
  const moved = await counter(2, 'transfer', { counter: 7 });
  check(moved.status === 200, 'transfer to counter 7: ' + moved.status);
  await waitText(phone, '.where', 'Quầy phục vụ: 7');
  check(await text(phone, '.where') === 'Quầy phục vụ: 7 · Khu A', 'transferred: ' + await text(phone, '.where'));
  const again = (await api('POST', '/api/v1/tickets/' + t5.id + '/reprint', { kiosk: 'kiosk-2' })).body;
  const movedLine = decodePaper().filter(l => l.startsWith('Quầy phục vụ: ')).pop() || '';
  check(again.printed === true && JSON.stringify(again.ticket.counters) === '[7]' &&
    movedLine === 'Quầy phục vụ: 7', 'transferred: API ' + JSON.stringify(again.ticket.counters) +
    ', reprinted paper "' + movedLine + '"');
  await shot(phone, 'transferred');

  // A queue with two primary counters (KH-DN: 4 and 5, each also backing
  // up every queue): paper, API and page name both, and only them.
  const biz = await issue({ procedure: '1.002442', kiosk: 'kiosk-2' });
  const bizLine = decodePaper().filter(l => l.startsWith('Quầy phục vụ: ')).pop() || '';
  check(JSON.stringify(biz.ticket.counters) === '[4,5]' && bizLine === 'Quầy phục vụ: 4, 5',
    'two counters: API ' + JSON.stringify(biz.ticket.counters) + ', paper "' + bizLine + '"');
  await p3.goto(base + '/t/' + biz.ticket.code);
  check(await text(p3, '.where') === 'Quầy phục vụ: 4, 5 · Khu A', 'two counters on the page: ' +
    await text(p3, '.where'));
  check(await noHScroll(p3), 'long procedure name: no horizontal scroll');
  await shot(p3, 'two-counters');

  await browser.close();
  browser = null;
  await stop();
}

T.run(main);
