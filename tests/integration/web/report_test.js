// report_test.js - browser tests of what a manager reads: the live view's
// figures per queue and in total (median and P90 wait, service level,
// no-show rate, satisfaction, unattached ratings) in Vietnamese number
// format, the history view's department filter by name, and the printable
// report as a filed document: Chromium prints it to PDF (page.pdf()), and
// pdftotext / pdfinfo (poppler-utils) read back the administrative header,
// the summary first, the folded empty days, the signature block, and the
// page count for a week of which 6 days had no visitors (at most 2 pages).
// The past comes from onestop-sim --history (one simulated Wednesday).
'use strict';
const { execFileSync } = require('child_process');
const fs = require('fs');
const path = require('path');

const T = require('./lib.js').webTest('report');
const { B, ROOT, SHOTS, TMP, CFG, DB, check, addUser, start, login } = T;

const SIM = path.join(ROOT, B, 'onestop-sim');
let base = '', browser = null;

/* A call that must succeed: its JSON body, else an exception. */
async function api(method, p, body, token) {
  const r = await T.api(method, p, body, token);
  if (r.status >= 300) throw new Error(method + ' ' + p + ': ' + r.status + ' ' + JSON.stringify(r.body));
  return r.body;
}

async function main() {
  addUser('ql01', 'matkhau-ql01', 'manager', null, 'Trần Thị Quản Lý');
  execFileSync(SIM, ['--history', '1', '--end', '2026-03-04', '--db', DB, '-c', CFG,
    path.join(ROOT, 'config/demo/days/normal.day')], { stdio: ['ignore', 'ignore', 'inherit'] });
  const port = await start(0);
  base = 'http://127.0.0.1:' + port;
  const mg = (await api('POST', '/api/v1/login', { user: 'ql01', password: 'matkhau-ql01' })).token;

  // Today at counter 1 (queue TP-LL): 3 tickets; one served and rated 1,
  // one served, one no-show; then a press on the keypad with no ticket.
  for (let i = 0; i < 3; i++) await api('POST', '/api/v1/tickets', { queue: 'TP-LL' }, mg);
  await api('POST', '/api/v1/counters/1/open', {}, mg);
  await api('POST', '/api/v1/counters/1/next', {}, mg);
  await api('POST', '/api/v1/counters/1/finish', {}, mg);
  await api('POST', '/api/v1/counters/1/rate', { value: 1 }, mg);
  await api('POST', '/api/v1/counters/1/next', {}, mg);
  await api('POST', '/api/v1/counters/1/finish', {}, mg);
  await api('POST', '/api/v1/counters/1/next', {}, mg);
  await api('POST', '/api/v1/counters/1/no-show', {}, mg);
  await api('POST', '/api/v1/counters/1/rate', { value: 3 }, mg);

  browser = await T.launch();
  const ctx = await browser.newContext({ viewport: { width: 1366, height: 768 }, locale: 'vi-VN' });
  const page = await ctx.newPage();
  await login(page, 'ql01', 'matkhau-ql01');
  await page.waitForURL(base + '/manager');

  // The live view: today's figures per queue and in total.
  await page.waitForSelector('#queues tr[data-queue="TP-LL"]');
  await page.waitForFunction(() => /33,3 %/.test(document.querySelector('#queues tr[data-queue="TP-LL"]').textContent));
  const qrow = await page.$$eval('#queues tr[data-queue="TP-LL"] td', t => t.map(x => x.textContent));
  const heads = await page.$$eval('#queues thead th', t => t.map(x => x.textContent));
  const col = name => qrow[heads.indexOf(name)];
  check(col('Tỷ lệ vắng mặt') === '33,3 %', 'live: TP-LL no-show rate 33,3 % (' + col('Tỷ lệ vắng mặt') + ')');
  check(col('Hài lòng') === '100 %', 'live: TP-LL satisfaction 100 % (' + col('Hài lòng') + ')');
  check(col('Đạt chuẩn') === '100 %', 'live: TP-LL service level 100 % (' + col('Đạt chuẩn') + ')');
  check(/^\d+:\d\d$/.test(col('Chờ trung vị')) && /^\d+:\d\d$/.test(col('Chờ P90')), 'live: TP-LL median and P90 wait as m:ss');
  const other = await page.$$eval('#queues tr[data-queue="TP-HT"] td', t => t.map(x => x.textContent));
  check(other[heads.indexOf('Tỷ lệ vắng mặt')] === '—', 'live: a queue that issued nothing shows no-show rate "—", not 0');
  const foot = await page.$eval('#queues tfoot', t => t.textContent);
  check(/Tổng cộng/.test(foot) && /33,3 %/.test(foot), 'live: the total row (' + foot + ')');
  check((await page.textContent('#c-unattached b')) === '1', 'live: the keypad press without a ticket is counted');
  check(/33,3 %/.test(await page.textContent('#c-noshow b')), 'live: the no-show card in Vietnamese format');
  await page.screenshot({ path: path.join(SHOTS, 'manager-live-figures.png'), fullPage: true });

  // The history view: departments by name.
  await page.click('#tab-hist');
  const depts = await page.$$eval('#f-department option', o => o.map(x => x.textContent));
  check(depts.indexOf('Sở Tư pháp') > 0 && !depts.some(d => /^[A-Z]{2}$/.test(d)),
    'history: the department filter lists names (' + depts.slice(0, 3).join(', ') + ')');

  // The printable report of the week 2026-03-02 .. 08: only Wednesday had visitors.
  const rep = await ctx.newPage();
  await rep.goto(base + '/report?from=2026-03-02&to=2026-03-08');
  await rep.waitForSelector('body[data-ready="1"]');
  await rep.waitForFunction(() => [...document.images].every(i => i.complete && i.naturalWidth > 0));
  const text = await rep.textContent('#pages');
  check(/Không có khách \(6 ngày\): 02\/03, 03\/03, 05\/03, 06\/03, 07\/03, 08\/03/.test(text),
    'report: the 6 days without visitors folded into one line');
  check((await rep.$$('#t-period tbody tr')).length === 2, 'report: the day table has Wednesday and the folded line');
  check(!/\d\.\d{1,2}(?!\d)/.test(text.replace(/\d{1,3}(\.\d{3})+/g, 'N')), 'report: no decimal point anywhere (Vietnamese decimal comma)');
  const pdfPath = path.join(SHOTS, 'report-week.pdf');
  await rep.pdf({ path: pdfPath, format: 'A4', printBackground: true });
  const pdf = execFileSync('pdftotext', ['-layout', pdfPath, '-']).toString();
  const pages = +execFileSync('pdfinfo', [pdfPath]).toString().match(/Pages:\s+(\d+)/)[1];
  fs.writeFileSync(path.join(SHOTS, 'report-week.txt'), pdf);
  const flat = pdf.replace(/\s+/g, ' ');
  check(/CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM/.test(flat) && /Độc lập - Tự do - Hạnh phúc/.test(flat), 'PDF: the national motto');
  check(/TRUNG TÂM PHỤC VỤ HÀNH CHÍNH CÔNG[^\n]*\n\s*TỈNH TIỀN GIANG\s*\n/.test(pdf) && /ỦY BAN NHÂN DÂN TỈNH TIỀN GIANG/.test(flat),
    'PDF: the centre and the body above it');
  check(/Tiền Giang, ngày \d\d tháng \d\d năm \d{4}/.test(flat), 'PDF: place and date');
  check(/Từ ngày 02\/03\/2026 đến ngày 08\/03\/2026/.test(flat), 'PDF: the range');
  const iSum = flat.indexOf('I. Tổng hợp cả kỳ'), iDay = flat.indexOf('II. Theo ngày');
  check(iSum > 0 && iDay > iSum && flat.indexOf('III. Theo sở, ngành') > iDay, 'PDF: the summary first, then the breakdowns');
  const r = await api('GET', '/api/v1/stats/report?from=2026-03-02&to=2026-03-08', null, mg);
  const n = r.total.issued.toLocaleString('vi-VN');
  check(new RegExp('Số ngày trong kỳ 7 ngày, trong đó 1 ngày có khách').test(flat) &&
    new RegExp('Đã cấp số ' + n.replace('.', '\\.') + ' vé').test(flat), 'PDF: the summary says 7 days, 1 with visitors, ' + n + ' issued');
  check(r.unattached_ratings.n > 0 && new RegExp('Đánh giá không gắn với vé ' + r.unattached_ratings.n + ' lượt \\(' +
    r.unattached_ratings.counts.join(' / ') + ' theo mức 1/2/3/4').test(flat),
    'PDF: unattached ratings counted (' + r.unattached_ratings.n + ')');
  check(/tỷ lệ vắng mặt \d+,\d %/.test(flat), 'PDF: no-show rate with a decimal comma');
  check(/Không có khách \(6 ngày\)/.test(flat), 'PDF: the empty days on one line');
  check(/NGƯỜI LẬP BIỂU/.test(flat) && /THỦ TRƯỞNG ĐƠN VỊ/.test(flat) && /Trần Thị Quản Lý/.test(flat), 'PDF: the signature block');
  check(/sai số không quá 30 giây/.test(flat) || r.exact, 'PDF: the percentiles\' error as the code has it');
  check(pages <= 2, 'PDF: a week with 6 empty days takes ' + pages + ' page(s) (at most 2)');
  await rep.screenshot({ path: path.join(SHOTS, 'report-week.png'), fullPage: true });

  // The server's chart: minutes with a decimal comma, the unit in its title.
  const svg = await (await fetch(base + '/api/v1/stats/report?from=2026-03-02&to=2026-03-08&by=queue&format=svg&metric=wait_mean',
    { headers: { Authorization: 'Bearer ' + mg } })).text();
  check(/Thời gian chờ trung bình \(phút\)/.test(svg) && />\d+,\d</.test(svg) && !/>\d+\.\d+</.test(svg),
    'chart: minutes with a decimal comma, unit in the title');
  // Closed counters name no staff.
  const closed = await page.$$eval('#counters tr[data-counter="2"] td', t => t.map(x => x.textContent));
  check(closed[4] === '', 'live: a closed counter shows no staff (' + closed[4] + ')');

  // onestopctl stats says the same in the same words and format.
  const CTL = path.join(ROOT, B, 'onestopctl');
  const env = Object.assign({}, process.env, { XDG_CONFIG_HOME: path.join(TMP, 'xdg') });
  execFileSync(CTL, ['-u', base, 'login', 'ql01'], { input: 'matkhau-ql01\n', env, stdio: ['pipe', 'ignore', 'inherit'] });
  const cli = execFileSync(CTL, ['-u', base, 'stats', '--from', '2026-03-02', '--to', '2026-03-08', '--by', 'day'], { env }).toString();
  fs.writeFileSync(path.join(SHOTS, 'onestopctl-stats.txt'), cli);
  const m = r.total.wait.mean_s, mm = Math.floor(Math.round(m) / 60) + ':' + String(Math.round(m) % 60).padStart(2, '0');
  const totalLine = cli.split('\n').find(l => /^Tổng cộng/.test(l)) || '';
  check(/Chờ lâu nhất/.test(cli) && /Đạt chuẩn %/.test(cli) && !/Chờ tối đa|Đạt chỉ tiêu/.test(cli),
    'onestopctl stats: the pages\' words (Chờ lâu nhất, Đạt chuẩn)');
  check(totalLine.indexOf(' ' + mm + ' ') > 0, 'onestopctl stats: mean wait ' + m + ' s rounded to ' + mm + ' (' + totalLine + ')');
  check(/ \d+,\d /.test(totalLine) && !/\d\.\d(?!\d\d)/.test(totalLine), 'onestopctl stats: decimal comma');
  check(/phút:giây/.test(cli) && new RegExp('Đánh giá không gắn với vé: ' + r.unattached_ratings.n).test(cli),
    'onestopctl stats: units said, unattached ratings counted');

  // A day without visitors: no-show rate undefined.
  await rep.goto(base + '/report?from=2026-03-08&to=2026-03-08');
  await rep.waitForSelector('body[data-ready="1"]');
  check(/tỷ lệ vắng mặt —/.test(await rep.textContent('#sum-noshow')), 'report: a day with nothing issued shows no-show rate "—"');
  check(/^0 vé; 0 lượt chờ: trung vị —/.test(await rep.textContent('#sum-booked td')) &&
    /đặt 0, đã đến 0, vắng \(không đến\) 0, đã hủy 0/.test(await rep.textContent('#sum-bookings td')),
    'report: booked visitors\' waits (from their slot) and the bookings\' no-shows in the summary');
}

T.run(main);
