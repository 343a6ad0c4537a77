// central_test.js - the province's dashboard (onestop-central) in headless
// Chromium: a real PostgreSQL (initdb in the test's own folder, on a Unix
// socket there, as nobody when run as root), one onestopd centre with two
// simulated past days (onestop-sim --history) exporting to it, and
// onestop-central.  The browser logs in through the form, asks for the
// range with the range form, reads the per-department table (the figures
// the centre's own report gives, in Vietnamese format, late rows marked),
// and downloads the CSV through the page's link (UTF-8 with BOM,
// Vietnamese header).  A centre account asking for another centre gets 403.
'use strict';
const { chromium } = require(process.env.PLAYWRIGHT_CORE || 'playwright-core');
const { spawn, execFileSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');

const B = process.env.B || 'build';
const ROOT = path.resolve(__dirname, '../../..');
const D = path.join(ROOT, B, 'onestopd');
const SIM = path.join(ROOT, B, 'onestop-sim');
const CENTRAL = path.join(ROOT, B, 'onestop-central');
const SHOTS = path.join(ROOT, B, 'web-shots');
const TMP = fs.mkdtempSync(path.join(os.tmpdir(), 'onestop-central-'));
const CFG = require('./centre.js').privateCentre(ROOT, TMP);
const DB = path.join(TMP, 'db');
const PGDIR = path.join(TMP, 'pg');
const CONN = 'host=' + PGDIR + ' dbname=postgres user=onestop';
const procs = [];
let pass = 0, fail = 0, browser = null;

function check(cond, what) {
  if (cond) { pass++; console.log('ok   ' + what); } else { fail++; console.log('FAIL ' + what); }
}

// PostgreSQL refuses root: the server runs as nobody then.
function pgUser() {
  if (process.getuid() !== 0) return {};
  return { uid: +execFileSync('id', ['-u', 'nobody']).toString(), gid: +execFileSync('id', ['-g', 'nobody']).toString() };
}

// Start prog and resolve with the first match of re on its stderr.
function startUntil(prog, args, re, opts) {
  return new Promise((resolve, reject) => {
    const p = spawn(prog, args, Object.assign({ stdio: ['ignore', 'ignore', 'pipe'] }, opts || {}));
    procs.push(p);
    let buf = '';
    p.stderr.on('data', d => {
      buf += d;
      const m = buf.match(re);
      if (m) { p.stderr.removeAllListeners('data'); p.stderr.resume(); resolve({ p, m }); }
    });
    p.on('exit', code => reject(new Error(path.basename(prog) + ' exited ' + code + ': ' + buf)));
  });
}

function day(offset) {
  const t = new Date(Date.now() + offset * 86400000);
  return t.getFullYear() + '-' + String(t.getMonth() + 1).padStart(2, '0') + '-' + String(t.getDate()).padStart(2, '0');
}

async function main() {
  fs.mkdirSync(SHOTS, { recursive: true });
  const bin = fs.readdirSync('/usr/lib/postgresql').sort((a, b) => a - b).pop();
  const PGBIN = process.env.PGBIN || path.join('/usr/lib/postgresql', bin, 'bin');
  const u = pgUser();
  if (u.uid !== undefined) fs.chmodSync(TMP, 0o755);   // nobody reaches its socket dir
  fs.mkdirSync(PGDIR);
  if (u.uid !== undefined) fs.chownSync(PGDIR, u.uid, u.gid);
  execFileSync(path.join(PGBIN, 'initdb'), ['-D', path.join(PGDIR, 'data'), '-A', 'trust', '-U', 'onestop',
    '-E', 'UTF8', '--locale=C'], Object.assign({ stdio: 'ignore' }, u));
  await startUntil(path.join(PGBIN, 'postgres'), ['-D', path.join(PGDIR, 'data'), '-k', PGDIR, '-c', 'listen_addresses=',
    '-c', 'max_connections=20'], /ready to accept connections/, Object.assign({ detached: true }, u));

  // The centre: two past days, exported.
  const from = day(-2), to = day(-1);
  execFileSync(SIM, ['--history', '2', '--end', to, '--db', DB, '-c', CFG, '-s', '3'], { stdio: 'ignore' });
  const ci = path.join(TMP, 'central.conninfo');
  fs.writeFileSync(ci, CONN + '\n', { mode: 0o600 });
  fs.appendFileSync(CFG, '\n[export]\nconninfo_file = ' + ci + '\ncentre_code = TG-MYTHO\npoll_ms = 20\n');
  execFileSync(D, ['-c', CFG, '-d', DB, '--add-user', 'ql01', '--role', 'manager'],
    { input: 'matkhau-ql01\n', stdio: ['pipe', 'ignore', 'inherit'] });
  const d = await startUntil(D, ['-c', CFG, '-d', DB, '-p', '0'], /listening on http:\/\/[0-9.]+:([0-9]+)/);
  const centre = 'http://127.0.0.1:' + d.m[1];
  const tok = (await (await fetch(centre + '/api/v1/login', { method: 'POST', headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ user: 'ql01', password: 'matkhau-ql01' }) })).json()).token;
  const mine = await (await fetch(centre + '/api/v1/stats/report?from=' + from + '&to=' + to + '&by=department',
    { headers: { Authorization: 'Bearer ' + tok } })).json();

  // The province: the schema, two accounts, the dashboard.
  execFileSync(CENTRAL, ['-f', ci, '--init-schema'], { stdio: 'ignore' });
  execFileSync(CENTRAL, ['-f', ci, '--add-user', 'tinh', 'province'], { input: 'mat-khau-tinh-1\n', stdio: ['pipe', 'ignore', 'inherit'] });
  execFileSync(CENTRAL, ['-f', ci, '--add-user', 'khac', 'centre', 'TG-KHAC'], { input: 'mat-khau-khac-1\n', stdio: ['pipe', 'ignore', 'inherit'] });
  const c = await startUntil(CENTRAL, ['-f', ci, '-p', '0'], /listening on http:\/\/[0-9.]+:([0-9]+)/);
  const base = 'http://127.0.0.1:' + c.m[1];

  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
      '--disable-sync', '--no-first-run'] });
  const ctx = await browser.newContext({ viewport: { width: 1366, height: 900 }, locale: 'vi-VN', acceptDownloads: true });
  const page = await ctx.newPage();
  await page.goto(base + '/');
  check(page.url() === base + '/login', 'without a session the page goes to the login form (' + page.url() + ')');
  await page.fill('input[name=user]', 'tinh');
  await page.fill('input[name=password]', 'sai-mat-khau');
  await page.click('button');
  check(/Sai tên đăng nhập hoặc mật khẩu/.test(await page.textContent('#err')), 'a wrong password is said in Vietnamese');
  await page.fill('input[name=user]', 'tinh');
  await page.fill('input[name=password]', 'mat-khau-tinh-1');
  await page.click('button');
  await page.waitForURL(base + '/');
  check(/tinh — cả tỉnh/.test(await page.textContent('#who')), 'logged in as the province');
  const cookies = await ctx.cookies();
  const sc = cookies.find(k => k.name === 'central_session');
  check(sc && sc.httpOnly && sc.sameSite === 'Strict', 'the session cookie is HttpOnly and SameSite=Strict');

  // The range form, until the export is in (the centre's issued count).
  const want = mine.total.issued;
  const deadline = Date.now() + 60000;
  let got = -1;
  while (Date.now() < deadline) {
    await page.fill('#range input[name=from]', from);
    await page.fill('#range input[name=to]', to);
    await page.click('#range button');
    await page.waitForURL(u2 => u2.toString().indexOf('from=' + from) > 0);
    const cells = await page.$$eval('#centres tr[data-centre="TG-MYTHO"] td', t => t.map(x => x.textContent));
    got = cells.length ? +cells[1].replace(/\./g, '') : -1;
    if (got === want) break;
  }
  check(got === want, 'the range form: TG-MYTHO issued ' + got + ', the centre says ' + want);
  await page.screenshot({ path: path.join(SHOTS, 'central-range.png'), fullPage: true });

  // The per-department table: names, figures as the centre's report says.
  const heads = await page.$$eval('#departments thead th', t => t.map(x => x.textContent));
  const tp = mine.by.department.find(g => g.key === 'TP');
  const row = await page.$$eval('#departments tr[data-key="TP"] td', t => t.map(x => x.textContent));
  const col = name => row[heads.indexOf(name)];
  check(col('Phòng ban') === 'Sở Tư pháp', 'departments: TP is named Sở Tư pháp (' + col('Phòng ban') + ')');
  check(col('Đã cấp số') === tp.issued.toLocaleString('vi-VN'), 'departments: TP issued ' + col('Đã cấp số') + ' = ' + tp.issued);
  const p90 = tp.wait.p90_s, mmss = Math.floor(p90 / 60) + ':' + String(p90 % 60).padStart(2, '0');
  check(col('Chờ P90') === mmss, 'departments: TP P90 wait ' + col('Chờ P90') + ' = ' + mmss);
  const sl = tp.service_level.pct === null ? '—' : tp.service_level.pct.toFixed(1).replace('.', ',') + ' %';
  check(col('Đạt chuẩn') === sl, 'departments: TP service level ' + col('Đạt chuẩn') + ' = ' + sl);
  const late = await page.$$eval('#departments tr.late', t => t.map(x => x.lastElementChild.textContent));
  check(late.every(t => t === 'Chậm'), 'departments: late rows are marked Chậm (' + late.length + ')');

  // The CSV link: a download, UTF-8 with BOM, the Vietnamese header.
  const [dl] = await Promise.all([page.waitForEvent('download'), page.click('#csv')]);
  const csv = fs.readFileSync(await dl.path());
  check(csv[0] === 0xEF && csv[1] === 0xBB && csv[2] === 0xBF, 'CSV: UTF-8 with BOM');
  const text = csv.toString('utf8').slice(1);
  check(/^Nhóm,Mã trung tâm,Trung tâm,Mã,Tên,Đã cấp số/.test(text) && /\r\nPhòng ban,TG-MYTHO,[^,]*,TP,Sở Tư pháp,/.test(text),
    'CSV: Vietnamese header and the department rows (' + dl.suggestedFilename() + ')');

  // The printable report from the page's link.
  await page.click('#print');
  await page.waitForURL(u2 => u2.toString().indexOf('/print?') > 0);
  check((await page.$$('#departments tbody tr')).length > 0 && (await page.$('form')) === null,
    'the printable report: the tables, no forms');
  await page.pdf({ path: path.join(SHOTS, 'central-print.pdf'), format: 'A4', landscape: true, printBackground: true });

  // A centre account asking for another centre: 403.
  const ctx2 = await browser.newContext({ locale: 'vi-VN' });
  const p2 = await ctx2.newPage();
  await p2.goto(base + '/login');
  await p2.fill('input[name=user]', 'khac');
  await p2.fill('input[name=password]', 'mat-khau-khac-1');
  await p2.click('button');
  await p2.waitForURL(base + '/');
  const r403 = await p2.goto(base + '/?from=' + from + '&to=' + to + '&centre=TG-MYTHO');
  check(r403.status() === 403, 'a centre account asking for another centre: ' + r403.status());
}

main().catch(e => { fail++; console.log('FAIL ' + (e && e.stack || e)); }).finally(async () => {
  if (browser) await browser.close().catch(() => {});
  for (const p of procs.reverse()) {
    if (p.exitCode !== null) continue;
    p.removeAllListeners('exit');
    try { if (p.spawnargs[0].endsWith('/postgres')) process.kill(-p.pid, 'SIGQUIT'); else p.kill('SIGTERM'); } catch (e) { /* gone */ }
    await new Promise(r => p.once('exit', r));
  }
  fs.rmSync(TMP, { recursive: true, force: true });
  console.log('central: ' + pass + ' passed, ' + fail + ' failed');
  process.exit(fail ? 1 : 0);
});
