// admin_test.js - browser tests of the admin pages (/admin) in real headless
// Chromium (Debian's /usr/bin/chromium, driven by playwright-core).  Starts
// its own onestopd on a temp database and checks what a person sees: staff
// and managers are refused the page and its calls; an admin lands on it;
// accounts are added, edited, disabled, get a new password and are deleted,
// with every mistake told in Vietnamese and changing nothing; a device token
// is shown once, works, and stops working when revoked; the notice line is
// saved and served in the state; the audit log shows each of these actions
// (and a manager's day close), filters by who, action and dates, and
// downloads as CSV.  Screenshots go to $B/web-shots/.
'use strict';
const fs = require('fs');
const path = require('path');

/* A copy of the catalogue too: an import or an edit rewrites the file. */
const T = require('./lib.js').webTest('admin', { copyCatalogue: true });
const { SHOTS, TMP, check, addUser, start, api, login } = T;

let base = '', browser = null;

/* The text of a message once it says something. */
async function message(page, id) {
  await page.waitForFunction(i => document.getElementById(i).textContent.length > 0, id);
  return page.textContent('#' + id);
}

async function users(token) {
  return (await api('GET', '/api/v1/users', null, token)).body.users;
}

async function main() {
  addUser('qt01', 'matkhau-qt01', 'admin');
  addUser('nv01', 'matkhau-nv01', 'staff', '1,2');
  addUser('ql01', 'matkhau-ql01', 'manager');
  base = 'http://127.0.0.1:' + await start(0);
  const adm = (await api('POST', '/api/v1/login', { user: 'qt01', password: 'matkhau-qt01' })).body.token;
  const mg = (await api('POST', '/api/v1/login', { user: 'ql01', password: 'matkhau-ql01' })).body.token;

  browser = await T.launch();
  const viewport = { width: 1366, height: 768 };

  // Staff and managers cannot open the page nor make its calls.
  for (const [who, pw] of [['nv01', 'matkhau-nv01'], ['ql01', 'matkhau-ql01']]) {
    const ctx = await browser.newContext({ viewport, locale: 'vi-VN' });
    const p = await ctx.newPage();
    await login(p, who, pw);
    await p.waitForURL(u => new URL(u).pathname !== '/');
    await p.goto(base + '/admin');
    await p.waitForSelector('#denied');
    check((await p.textContent('#denied h2')) === 'Không có quyền truy cập', who + ' cannot open /admin');
    for (const x of ['/api/v1/audit', '/api/v1/audit?format=csv', '/api/v1/users']) {
      const r = await p.request.get(base + x);
      check(r.status() === 403, who + ' cookie: GET ' + x + ' is 403');
    }
    const csrf = (await ctx.cookies()).find(c => c.name === 'onestop_csrf').value;
    const r = await p.request.put(base + '/api/v1/notice', { data: { notice: 'x' }, headers: { 'X-CSRF-Token': csrf } });
    check(r.status() === 403, who + ' cookie: PUT notice is 403');
    await ctx.close();
  }
  check((await api('GET', '/api/v1/audit')).status === 401, 'no login: GET /api/v1/audit is 401');

  // An admin lands on the admin page.
  const ctx = await browser.newContext({ viewport, locale: 'vi-VN', acceptDownloads: true });
  const pg = await ctx.newPage();
  pg.on('pageerror', e => console.log('page error: ' + e.message));
  await login(pg, 'qt01', 'matkhau-qt01');
  await pg.waitForURL(base + '/admin');
  await pg.waitForSelector('body[data-ready="1"]');
  check((await pg.$$('#t-users tbody tr')).length === 3, 'the admin sees the 3 accounts');

  // Mistakes are told and change nothing.
  const before = (await users(adm)).length;
  const fillUser = async (name, full, role, cs, pw) => {
    await pg.fill('#u-name', name);
    await pg.fill('#u-full', full);
    await pg.selectOption('#u-role', role);
    await pg.fill('#u-counters', cs);
    await pg.fill('#u-pw', pw);
    await pg.evaluate(() => { document.getElementById('umsg').textContent = ''; });
    await pg.click('#u-add');
  };
  await fillUser('nv05', 'Lê Văn Năm', 'staff', '1, abc', 'matkhau-nv05');
  check((await message(pg, 'umsg')) === 'Quầy là các số từ 1 đến 99, cách nhau bằng dấu phẩy (tối đa 16 quầy).',
    'counters "1, abc": told in Vietnamese');
  await fillUser('nv05', 'Lê Văn Năm', 'staff', '1, 100', 'matkhau-nv05');
  check((await message(pg, 'umsg')).startsWith('Quầy là các số từ 1 đến 99'), 'counter 100: told');
  await fillUser('Năm', 'Lê Văn Năm', 'staff', '1', 'matkhau-nv05');
  check((await message(pg, 'umsg')) === 'Tên chỉ gồm chữ cái không dấu, chữ số và các dấu . _ - @ (1 đến 63 ký tự).',
    'a name with diacritics: told');
  await fillUser('nv05', 'Lê Văn Năm', 'staff', '1', 'ngan');
  check((await message(pg, 'umsg')) === 'Mật khẩu phải có ít nhất 8 ký tự.', 'a short password: told');
  await fillUser('nv01', 'Trùng tên', 'staff', '1', 'matkhau-khac');
  check((await message(pg, 'umsg')) === 'Tài khoản "nv01" đã có.', 'an existing name: the server\'s message');
  check((await users(adm)).length === before, 'none of the mistakes added an account');

  // Add, edit, reset the password, disable, delete.
  await fillUser('nv05', 'Lê Văn Năm', 'staff', '1, 2', 'matkhau-nv05');
  check((await message(pg, 'umsg')) === 'Đã thêm tài khoản nv05.', 'nv05 added');
  await pg.waitForSelector('#t-users tr[data-user="nv05"]');
  check((await pg.textContent('#t-users tr[data-user="nv05"] td:nth-child(2)')) === 'Lê Văn Năm' &&
    (await pg.textContent('#t-users tr[data-user="nv05"] td:nth-child(4)')) === '1, 2', 'its row: full name and counters');
  await pg.click('#t-users tr[data-user="nv05"] button[data-act="edit"]');
  await pg.fill('#e-counters', '3,x');
  await pg.click('#e-save');
  check((await message(pg, 'emsg')).startsWith('Quầy là các số'), 'edit with bad counters: told in the dialog');
  await pg.fill('#e-counters', '3');
  await pg.selectOption('#e-role', 'manager');
  await pg.fill('#e-full', 'Lê Văn Năm (tổ trưởng)');
  await pg.click('#e-save');
  await pg.waitForFunction(() => {
    const r = document.querySelector('#t-users tr[data-user="nv05"]');
    return r && r.children[2].textContent === 'Quản lý';
  });
  check((await pg.textContent('#t-users tr[data-user="nv05"] td:nth-child(4)')) === '3', 'edited: manager at counter 3');
  await pg.click('#t-users tr[data-user="nv05"] button[data-act="pw"]');
  await pg.fill('#p-pw', 'ngan');
  await pg.click('#p-save');
  check((await message(pg, 'pmsg')) === 'Mật khẩu phải có ít nhất 8 ký tự.', 'a short new password: told');
  await pg.fill('#p-pw', 'matkhau-moi-5');
  await pg.click('#p-save');
  await pg.waitForFunction(() => document.getElementById('umsg').textContent === 'Đã đặt lại mật khẩu cho nv05.');
  check((await api('POST', '/api/v1/login', { user: 'nv05', password: 'matkhau-moi-5' })).status === 200,
    'the new password logs in');
  check((await api('POST', '/api/v1/login', { user: 'nv05', password: 'matkhau-nv05' })).status === 401,
    'the old one does not');
  await pg.click('#t-users tr[data-user="nv05"] button[data-act="toggle"]');
  await pg.waitForFunction(() => {
    const r = document.querySelector('#t-users tr[data-user="nv05"]');
    return r && r.children[4].textContent === 'Đã khoá';
  });
  check((await api('POST', '/api/v1/login', { user: 'nv05', password: 'matkhau-moi-5' })).status === 401,
    'disabled: nv05 cannot log in');
  await pg.screenshot({ path: path.join(SHOTS, 'admin-users.png'), fullPage: true });
  await pg.click('#t-users tr[data-user="nv05"] button[data-act="delete"]');
  check((await pg.textContent('#c-text')) === 'Xoá tài khoản nv05? Không hoàn tác được.', 'delete asks first');
  await pg.click('#c-yes');
  await pg.waitForSelector('#t-users tr[data-user="nv05"]', { state: 'detached' });
  check(!(await users(adm)).some(u => u.name === 'nv05'), 'nv05 deleted');

  // A device token: shown once, works, revoked.
  await pg.click('#tab-devices');
  await pg.fill('#d-name', 'man hinh');
  await pg.click('#d-add');
  check((await message(pg, 'dmsg')).startsWith('Tên chỉ gồm chữ cái không dấu'), 'a device name with a space: told');
  await pg.fill('#d-name', 'display-sanh');
  await pg.selectOption('#d-role', 'display');
  await pg.click('#d-add');
  await pg.waitForSelector('#d-token:not([hidden])');
  const token = await pg.textContent('#d-token-value');
  check(/^[0-9a-f]{64}$/.test(token) && (await pg.textContent('#d-token')).includes('chỉ hiện một lần'),
    'the token is shown, once');
  check((await api('GET', '/api/v1/state', null, token)).status === 200, 'the display token reads the state');
  await pg.screenshot({ path: path.join(SHOTS, 'admin-devices.png'), fullPage: true });
  await pg.reload();
  await pg.waitForSelector('body[data-ready="1"]');
  await pg.click('#tab-devices');
  check(!(await pg.textContent('body')).includes(token), 'after a reload the token is nowhere on the page');
  await pg.click('#t-devices tr[data-user="display-sanh"] button[data-act="revoke"]');
  await pg.click('#c-yes');
  await pg.waitForSelector('#t-devices tr[data-user="display-sanh"]', { state: 'detached' });
  check((await api('GET', '/api/v1/state', null, token)).status === 401, 'revoked: the token is refused');

  // The notice line.
  await pg.click('#tab-notice');
  await pg.fill('#n-text', 'Đ'.repeat(201));
  await pg.click('#n-save');
  check((await message(pg, 'nmsg')) === 'Dòng thông báo dài tối đa 200 ký tự.', 'a notice of 201 characters: told');
  check((await api('GET', '/api/v1/state', null, mg)).body.notice === '', 'and not saved');
  await pg.fill('#n-text', 'Chiều thứ Bảy trung tâm nghỉ làm việc.');
  await pg.click('#n-save');
  await pg.waitForFunction(() => document.getElementById('n-current').textContent ===
    'Chiều thứ Bảy trung tâm nghỉ làm việc.');
  check((await api('GET', '/api/v1/state', null, mg)).body.notice === 'Chiều thứ Bảy trung tâm nghỉ làm việc.',
    'the state serves the notice');

  // A manager's action is in the log too.
  check((await api('POST', '/api/v1/day/close', {}, mg)).status === 200, 'the manager closes the day');

  // The audit log: every action, filters, CSV.
  await pg.click('#tab-audit');
  await pg.waitForSelector('#t-audit tbody tr[data-action]');
  const acts = await pg.$$eval('#t-audit tbody tr', trs => trs.map(t => t.dataset.action));
  const want = ['day.close', 'notice.set', 'device.revoke', 'device.create', 'user.delete', 'user.change',
    'user.password', 'user.change', 'user.add'];
  check(JSON.stringify(acts) === JSON.stringify(want), 'the log shows the 9 actions, newest first (' + acts.join(' ') + ')');
  const first = await pg.$$eval('#t-audit tbody tr:first-child td', tds => tds.map(t => t.textContent));
  check(first[1] === 'ql01' && first[2] === 'Quản lý' && first[3] === '127.0.0.1' && first[4] === 'Kết thúc ngày',
    'the day close: by ql01, Quản lý, from 127.0.0.1 (' + first.slice(1, 5).join(', ') + ')');
  const notice = await pg.$$eval('#t-audit tbody tr:nth-child(2) td', tds => tds.map(t => t.textContent));
  check(notice[4] === 'Đổi dòng thông báo' && notice[6] === '{"notice":""}' &&
    notice[7] === '{"notice":"Chiều thứ Bảy trung tâm nghỉ làm việc."}', 'the notice change: before and after');
  check(!(await pg.textContent('#t-audit')).includes('matkhau'), 'no password on the page');
  await pg.screenshot({ path: path.join(SHOTS, 'admin-audit.png'), fullPage: true });
  await pg.selectOption('#a-action', 'user.add');
  await pg.click('#a-go');
  await pg.waitForFunction(() => document.querySelectorAll('#t-audit tbody tr[data-action]').length === 1);
  check((await pg.textContent('#t-audit tbody tr td:nth-child(5)')) === 'Thêm tài khoản', 'filter by action: Thêm tài khoản only');
  await pg.selectOption('#a-action', '');
  await pg.fill('#a-who', 'ql01');
  await pg.click('#a-go');
  await pg.waitForFunction(() => document.querySelectorAll('#t-audit tbody tr[data-action]').length === 1 &&
    document.querySelector('#t-audit tbody tr[data-action="day.close"]') !== null);
  check(true, 'filter by who: ql01\'s one action');
  await pg.fill('#a-who', 'khong-co-ai');
  await pg.click('#a-go');
  await pg.waitForFunction(() => document.querySelector('#t-audit tbody').textContent === 'Không có thao tác nào.');
  check(true, 'nobody\'s actions: "Không có thao tác nào."');
  await pg.fill('#a-who', '');
  await pg.fill('#a-from', '2000-01-01');
  await pg.fill('#a-to', '2000-01-31');
  await pg.click('#a-go');
  await pg.waitForFunction(() => document.querySelector('#t-audit tbody').textContent === 'Không có thao tác nào.');
  check(true, 'January 2000: nothing');
  await pg.fill('#a-from', '2000-02-01');
  await pg.click('#a-go');
  check((await message(pg, 'amsg')) === 'Ngày kết thúc phải từ ngày bắt đầu trở đi.', 'an end before the start: told');
  const today = new Date(), p2 = n => String(n).padStart(2, '0');
  const d = today.getFullYear() + '-' + p2(today.getMonth() + 1) + '-' + p2(today.getDate());
  await pg.fill('#a-from', d);
  await pg.fill('#a-to', d);
  await pg.click('#a-go');
  await pg.waitForFunction(() => document.querySelectorAll('#t-audit tbody tr[data-action]').length === 9);
  check((await pg.textContent('#amsg')) === '', 'today: the 9 actions, the message gone');
  const [dl] = await Promise.all([pg.waitForEvent('download'), pg.click('#a-csv')]);
  const csv = fs.readFileSync(await dl.path(), 'utf8');
  const lines = csv.split('\r\n').filter(l => l.length > 0);
  check(lines[0] === 'id,time,who,role,client,action,target,before,after' && lines.length === 10 &&
    /,ql01,manager,127\.0\.0\.1,day\.close,/.test(csv), 'the CSV download: header and the 9 rows');


  // Counters and queues, changed live; a staff console open meanwhile follows.
  const sctx = await browser.newContext({ viewport, locale: 'vi-VN' });
  const sp = await sctx.newPage();
  await login(sp, 'nv01', 'matkhau-nv01');
  await sp.waitForURL(base + '/staff');
  await sp.waitForSelector('#counter option[value="1"]', { state: 'attached' });
  check((await sp.textContent('#counter option[value="1"]')) === 'Quầy 1', 'the staff console shows Quầy 1');
  await pg.click('#tab-config');
  await pg.waitForSelector('#t-counters tr[data-counter="1"]');
  await pg.click('#t-counters tr[data-counter="1"] button[data-act="edit"]');
  await pg.fill('#g-f0', 'Quầy tư pháp 1');
  await pg.click('#g-save');
  await sp.waitForFunction(() => document.querySelector('#counter option[value="1"]').textContent === 'Quầy tư pháp 1');
  check(true, 'renamed in /admin: the open staff console shows "Quầy tư pháp 1" without a reload');
  await sctx.close();
  await pg.waitForSelector('#t-counters tr[data-counter="3"]');
  await pg.click('#t-counters tr[data-counter="3"] button[data-act="edit"]');
  await pg.fill('#g-f0', 'Quầy hộ tịch 3');
  await pg.fill('#g-f1', 'Khu D');
  await pg.fill('#g-f3', 'TP-HT, KHONG-CO:backup');
  await pg.click('#g-save');
  check((await message(pg, 'gmsg')) === 'Không có hàng đợi mã "KHONG-CO".', 'a counter serving an unknown queue: told');
  let st = (await api('GET', '/api/v1/state', null, mg)).body;
  check(st.counters.find(c => c.number === 3).name === 'Quầy 3', 'and nothing changed');
  await pg.fill('#g-f3', 'TP-HT, TP-LL:backup');
  await pg.click('#g-save');
  await pg.waitForFunction(() => document.getElementById('cfgmsg').textContent.startsWith('Đã lưu'));
  await pg.waitForFunction(() => {
    const r = document.querySelector('#t-counters tr[data-counter="3"]');
    return r && r.children[1].textContent === 'Quầy hộ tịch 3';
  });
  check((await pg.textContent('#t-counters tr[data-counter="3"] td:nth-child(5)')) === 'TP-HT, TP-LL (dự phòng)',
    'the counter row: what it serves and at which level');
  st = (await api('GET', '/api/v1/state', null, mg)).body;
  const c3 = st.counters.find(c => c.number === 3);
  check(c3.name === 'Quầy hộ tịch 3' && c3.area === 'Khu D' && c3.serves.length === 2 &&
    c3.serves[1].queue === 'TP-LL' && c3.serves[1].level === 'backup', 'live: the state shows counter 3 changed, no restart');
  await pg.click('#t-queues tr[data-queue="TP-HT"] button[data-act="edit"]');
  await pg.fill('#g-f1', '2001-2100');
  await pg.click('#g-save');
  check((await message(pg, 'gmsg')).startsWith('Dải số 2001-2100 trùng với hàng đợi'), 'overlapping numbers: told');
  await pg.fill('#g-f1', '1200-1399');
  await pg.fill('#g-f2', 'ba mươi');
  await pg.click('#g-save');
  await pg.waitForFunction(() => document.getElementById('gmsg').textContent.includes('số nguyên từ 1 đến 720'));
  check(true, 'a target in words: told');
  await pg.fill('#g-f2', '20');
  await pg.click('#g-save');
  await pg.waitForFunction(() => {
    const r = document.querySelector('#t-queues tr[data-queue="TP-HT"]');
    return r && r.children[4].textContent === '20 phút';
  });
  st = (await api('GET', '/api/v1/state', null, mg)).body;
  check(st.queues.find(q => q.code === 'TP-HT').target_wait_min === 20, 'live: TP-HT\'s target is 20 minutes');
  await pg.click('#policy-edit');
  await pg.fill('#g-f0', '5');
  await pg.click('#g-save');
  await pg.waitForFunction(() => document.querySelector('#t-policy tr[data-key="priority_interleave"] td.n').textContent === '5');
  check(true, 'the call policy: 5 normal calls before a priority one');
  await pg.screenshot({ path: path.join(SHOTS, 'admin-config.png'), fullPage: true });
  await pg.click('#tab-audit');
  await pg.selectOption('#a-action', 'config.change');
  await pg.fill('#a-from', '');
  await pg.fill('#a-to', '');
  await pg.click('#a-go');
  await pg.waitForFunction(() => document.querySelectorAll('#t-audit tbody tr[data-action="config.change"]').length === 4 &&
    document.querySelectorAll('#t-audit tbody tr').length === 4);
  const cc = await pg.$$eval('#t-audit tbody tr:nth-last-child(2) td', tds => tds.map(t => t.textContent));
  check(cc[4] === 'Đổi cấu hình' && cc[5] === 'counter 3' && cc[6].includes('"[counter 3] name":"Quầy 3"') &&
    cc[7].includes('"[counter 3] name":"Quầy hộ tịch 3"'), 'the log: the counter change, before and after (' + cc.join(' | ') + ')');

  // Nothing in the page can change the log.
  const csrf = (await ctx.cookies()).find(c => c.name === 'onestop_csrf').value;
  for (const m of ['delete', 'patch', 'put', 'post']) {
    const r = await pg.request[m](base + '/api/v1/audit', { data: {}, headers: { 'X-CSRF-Token': csrf } });
    check(r.status() === 405, m.toUpperCase() + ' /api/v1/audit with the admin cookie: 405');
  }
  check((await api('GET', '/api/v1/audit', null, adm)).body.audit.length === 13, 'still 13 rows');

  // The catalogue: search, edit one, preview an import, import.
  await pg.click('#tab-catalogue');
  await pg.click('#ps-go');
  check((await message(pg, 'psmsg')) === 'Nhập tên, mã hoặc từ khoá để tìm.', 'an empty search: told');
  await pg.fill('#ps-q', 'ly lich tu phap');
  await pg.click('#ps-go');
  await pg.waitForSelector('#t-procs tr[data-code="1.001007"]');
  check((await pg.textContent('#t-procs tr[data-code="1.001007"] td:nth-child(2)')) === 'Cấp Phiếu lý lịch tư pháp',
    'search without diacritics finds Cấp Phiếu lý lịch tư pháp');
  await pg.click('#t-procs tr[data-code="1.001007"] button[data-act="edit"]');
  await pg.fill('#pr-name', '');
  await pg.click('#pr-save');
  check((await message(pg, 'prmsg')) === 'Cần nhập tên thủ tục.', 'an empty procedure name: told');
  await pg.fill('#pr-name', 'Cấp Phiếu lý lịch tư pháp');
  await pg.fill('#pr-fee', '200.000 đồng/hồ sơ');
  await pg.evaluate(() => { document.getElementById('prmsg').textContent = ''; });
  await pg.click('#pr-save');
  await pg.waitForFunction(() => document.getElementById('psmsg').textContent === 'Đã lưu thủ tục 1.001007.' ||
    document.getElementById('prmsg').textContent !== '');
  check((await pg.textContent('#prmsg')) === '', 'the procedure is saved (' + (await pg.textContent('#prmsg')) + ')');
  await pg.waitForFunction(() => {
    const r = document.querySelector('#t-procs tr[data-code="1.001007"]');
    return r && r.children[4].textContent === '200.000 đồng/hồ sơ';
  });
  check((await api('GET', '/api/v1/procedures/1.001007')).body.fee === '200.000 đồng/hồ sơ',
    'the new fee is served at once (kiosks see it)');
  const small = path.join(TMP, 'small.csv');
  fs.writeFileSync(small, 'code,name,department,field,queue,target_wait_min,fee,processing_time,documents\n' +
    '1.001007,Cấp Phiếu lý lịch tư pháp,TP,Lý lịch tư pháp,TP-LL,,300.000 đồng/hồ sơ,07 ngày làm việc,Tờ khai\n' +
    '9.999999,Thủ tục thử mới,TP,Lý lịch tư pháp,TP-LL,,Miễn phí,01 ngày,Tờ khai\n');
  const broken = path.join(TMP, 'broken.csv');
  fs.writeFileSync(broken, 'code,name\n1,x\n');
  await pg.click('#imp-preview');
  check((await message(pg, 'impmsg')) === 'Chọn một tệp CSV.', 'a preview without a file: told');
  await pg.setInputFiles('#imp-file', broken);
  await pg.evaluate(() => { document.getElementById('impmsg').textContent = ''; });
  await pg.click('#imp-preview');
  check((await message(pg, 'impmsg')).length > 0 && await pg.$eval('#imp-result', e => e.hidden),
    'a broken CSV: the server\'s message, no preview');
  await pg.setInputFiles('#imp-file', small);
  await pg.click('#imp-preview');
  await pg.waitForSelector('#imp-result:not([hidden])');
  const total = (await api('GET', '/api/v1/procedures?limit=2000')).body.procedures.length;
  check((await pg.textContent('#imp-summary')) === 'Tệp có 2 thủ tục (hiện có ' + total + '): thêm 1, bỏ ' +
    (total - 1) + ', sửa 1, giữ nguyên 0.', 'the preview: what would be added, dropped and changed');
  check((await pg.textContent('#imp-added')) === '9.999999 Thủ tục thử mới' &&
    (await pg.textContent('#imp-changed')).startsWith('1.001007 Cấp Phiếu lý lịch tư pháp: lệ phí, giấy tờ'),
    'the preview lists the new procedure and the changed fields');
  check((await api('GET', '/api/v1/procedures/9.999999')).status === 404, 'the preview changed nothing');
  await pg.screenshot({ path: path.join(SHOTS, 'admin-catalogue.png'), fullPage: true });
  await pg.click('#imp-apply');
  await pg.waitForFunction(() => document.getElementById('impmsg').textContent === 'Đã nhập 2 thủ tục.');
  check((await api('GET', '/api/v1/procedures/9.999999')).status === 200, 'imported: the new procedure is served');
  const cat = (await api('GET', '/api/v1/audit?action=catalogue.edit', null, adm)).body.audit;
  const imp = (await api('GET', '/api/v1/audit?action=catalogue.import', null, adm)).body.audit;
  check(cat.length === 1 && cat[0].before.fee === '150.000 đồng/hồ sơ' && cat[0].after.fee === '200.000 đồng/hồ sơ' &&
    imp.length === 1 && imp[0].after.procedures === 2, 'the log: the edit and the import');
}

T.run(main);
