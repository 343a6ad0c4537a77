/* admin.js - the admin pages: accounts (add, edit role and counters,
   disable, reset the password, delete), device tokens (created and shown
   once, revoked), the notice line of the hall displays, and the audit log
   with its filters and CSV.  The server enforces every rule (admin only,
   names, counters, lengths); the page checks what it can first so that a
   mistake is told at once, and shows the server's message otherwise. */
'use strict';

const $ = id => document.getElementById(id);
const ROLES = { staff: 'Cán bộ một cửa', manager: 'Quản lý', admin: 'Quản trị',
  kiosk: 'Máy lấy số (kiosk)', display: 'Màn hình hiển thị', metrics: 'Giám sát (Prometheus)' };
const DEVICE = ['kiosk', 'display', 'metrics'];
const ACTIONS = {
  'user.add': 'Thêm tài khoản', 'user.change': 'Sửa tài khoản',
  'user.password': 'Đặt lại mật khẩu', 'user.delete': 'Xoá tài khoản',
  'device.create': 'Tạo mã thiết bị', 'device.revoke': 'Thu hồi thiết bị',
  'notice.set': 'Đổi dòng thông báo', 'day.close': 'Kết thúc ngày',
  'catalogue.import': 'Nhập danh mục thủ tục', 'catalogue.edit': 'Sửa thủ tục',
  'config.change': 'Đổi cấu hình'
};
const A = { users: [] };

function say(id, text, ok) {
  const m = $(id);
  m.textContent = text || '';
  m.className = 'msg ' + (ok ? 'info' : 'err');
}

/* "1, 2,5" -> [1, 2, 5]; null when it is not such a list. */
function counters(text) {
  const t = text.trim();
  if (t === '') return [];
  const parts = t.split(',').map(s => s.trim());
  if (parts.length > 16 || !parts.every(s => /^[0-9]{1,2}$/.test(s) && +s >= 1 && +s <= 99)) return null;
  return parts.map(Number);
}
const BAD_COUNTERS = 'Quầy là các số từ 1 đến 99, cách nhau bằng dấu phẩy (tối đa 16 quầy).';
const BAD_NAME = 'Tên chỉ gồm chữ cái không dấu, chữ số và các dấu . _ - @ (1 đến 63 ký tự).';
const NAME_RE = /^[A-Za-z0-9._@-]{1,63}$/;

/* ---- tabs ---- */
function tab(name) {
  for (const t of ['users', 'devices', 'notice', 'config', 'catalogue', 'audit']) {
    $(t).hidden = t !== name;
    $('tab-' + t).setAttribute('aria-selected', t === name ? 'true' : 'false');
  }
  if (name === 'audit') loadAudit();
  if (name === 'config' || name === 'catalogue') loadConfig();
}

/* ---- accounts and devices ---- */
async function loadUsers() {
  let d;
  try { d = await OS.api('GET', '/api/v1/users'); } catch (e) { say('umsg', e.message); return; }
  A.users = d.users || [];
  const people = A.users.filter(u => DEVICE.indexOf(u.role) < 0);
  const devices = A.users.filter(u => DEVICE.indexOf(u.role) >= 0);
  $('t-users').tBodies[0].innerHTML = people.map(u =>
    '<tr data-user="' + OS.esc(u.name) + '"><td>' + OS.esc(u.name) + '</td><td>' + OS.esc(u.full_name) +
    '</td><td>' + OS.esc(ROLES[u.role] || u.role) + '</td><td>' + OS.esc((u.counters || []).join(', ')) +
    '</td><td class="' + (u.disabled ? 'over' : 'ok') + '">' + (u.disabled ? 'Đã khoá' : 'Đang dùng') +
    '</td><td><button type="button" data-act="edit">Sửa</button> <button type="button" data-act="toggle">' +
    (u.disabled ? 'Mở khoá' : 'Khoá') + '</button> <button type="button" data-act="pw">Đặt lại mật khẩu</button> ' +
    '<button type="button" class="danger" data-act="delete">Xoá</button></td></tr>').join('') ||
    '<tr><td colspan="6" class="muted">Chưa có tài khoản nào.</td></tr>';
  $('t-devices').tBodies[0].innerHTML = devices.map(u =>
    '<tr data-user="' + OS.esc(u.name) + '"><td>' + OS.esc(u.name) + '</td><td>' + OS.esc(ROLES[u.role] || u.role) +
    '</td><td><button type="button" class="danger" data-act="revoke">Thu hồi</button></td></tr>').join('') ||
    '<tr><td colspan="3" class="muted">Chưa có thiết bị nào.</td></tr>';
}

function user(name) { return A.users.find(u => u.name === name); }

/* Ask in a dialog; resolves when "Đồng ý" succeeded. */
function confirmDo(text, action) {
  $('c-text').textContent = text;
  say('cmsg', '');
  $('dlg-confirm').showModal();
  $('c-yes').onclick = async () => {
    try { await action(); $('dlg-confirm').close(); } catch (e) { say('cmsg', e.message); }
  };
}
$('c-no').onclick = () => $('dlg-confirm').close();

$('f-user').addEventListener('submit', async ev => {
  ev.preventDefault();
  const name = $('u-name').value.trim(), cs = counters($('u-counters').value), pw = $('u-pw').value;
  if (!NAME_RE.test(name)) return say('umsg', BAD_NAME);
  if (cs === null) return say('umsg', BAD_COUNTERS);
  if (pw.length < 8) return say('umsg', 'Mật khẩu phải có ít nhất 8 ký tự.');
  try {
    await OS.api('POST', '/api/v1/users', { name, password: pw, role: $('u-role').value,
      full_name: $('u-full').value.trim(), counters: cs });
  } catch (e) { return say('umsg', e.message); }
  say('umsg', 'Đã thêm tài khoản ' + name + '.', true);
  $('f-user').reset();
  loadUsers();
});

$('t-users').addEventListener('click', ev => {
  const b = ev.target.closest('button[data-act]');
  if (!b) return;
  const u = user(b.closest('tr').dataset.user);
  if (!u) return;
  const act = b.dataset.act;
  if (act === 'edit') {
    $('e-name').textContent = u.name;
    $('e-full').value = u.full_name;
    $('e-role').value = u.role;
    $('e-counters').value = (u.counters || []).join(', ');
    say('emsg', '');
    $('dlg-edit').dataset.user = u.name;
    $('dlg-edit').showModal();
  } else if (act === 'pw') {
    $('p-name').textContent = u.name;
    $('p-pw').value = '';
    say('pmsg', '');
    $('dlg-pw').dataset.user = u.name;
    $('dlg-pw').showModal();
  } else if (act === 'toggle') {
    OS.api('PATCH', '/api/v1/users/' + encodeURIComponent(u.name), { disabled: !u.disabled })
      .then(() => { say('umsg', (u.disabled ? 'Đã mở khoá ' : 'Đã khoá ') + u.name + '.', true); loadUsers(); },
        e => say('umsg', e.message));
  } else if (act === 'delete') {
    confirmDo('Xoá tài khoản ' + u.name + '? Không hoàn tác được.', async () => {
      await OS.api('DELETE', '/api/v1/users/' + encodeURIComponent(u.name));
      say('umsg', 'Đã xoá tài khoản ' + u.name + '.', true);
      loadUsers();
    });
  }
});

$('f-edit').addEventListener('submit', async ev => {
  ev.preventDefault();
  const name = $('dlg-edit').dataset.user, cs = counters($('e-counters').value);
  if (cs === null) return say('emsg', BAD_COUNTERS);
  try {
    await OS.api('PATCH', '/api/v1/users/' + encodeURIComponent(name),
      { full_name: $('e-full').value.trim(), role: $('e-role').value, counters: cs });
  } catch (e) { return say('emsg', e.message); }
  $('dlg-edit').close();
  say('umsg', 'Đã lưu tài khoản ' + name + '.', true);
  loadUsers();
});
$('e-cancel').onclick = () => $('dlg-edit').close();

$('f-pw').addEventListener('submit', async ev => {
  ev.preventDefault();
  const name = $('dlg-pw').dataset.user, pw = $('p-pw').value;
  if (pw.length < 8) return say('pmsg', 'Mật khẩu phải có ít nhất 8 ký tự.');
  try {
    await OS.api('PATCH', '/api/v1/users/' + encodeURIComponent(name), { password: pw });
  } catch (e) { return say('pmsg', e.message); }
  $('dlg-pw').close();
  say('umsg', 'Đã đặt lại mật khẩu cho ' + name + '.', true);
});
$('p-cancel').onclick = () => $('dlg-pw').close();

$('f-device').addEventListener('submit', async ev => {
  ev.preventDefault();
  const name = $('d-name').value.trim();
  $('d-token').hidden = true;
  if (!NAME_RE.test(name)) return say('dmsg', BAD_NAME);
  if (user(name)) return say('dmsg', 'Đã có tài khoản hoặc thiết bị tên ' + name + '.');
  let d;
  try { d = await OS.api('POST', '/api/v1/devices', { name, role: $('d-role').value }); } catch (e) {
    return say('dmsg', e.message);
  }
  say('dmsg', 'Đã tạo mã cho thiết bị ' + name + '.', true);
  $('d-token-name').textContent = d.name;
  $('d-token-value').textContent = d.token;
  $('d-token').hidden = false;
  $('f-device').reset();
  loadUsers();
});

$('t-devices').addEventListener('click', ev => {
  const b = ev.target.closest('button[data-act="revoke"]');
  if (!b) return;
  const name = b.closest('tr').dataset.user;
  confirmDo('Thu hồi thiết bị ' + name + '? Thiết bị sẽ không kết nối được nữa.', async () => {
    await OS.api('DELETE', '/api/v1/users/' + encodeURIComponent(name));
    $('d-token').hidden = true;
    say('dmsg', 'Đã thu hồi thiết bị ' + name + '.', true);
    loadUsers();
  });
});

/* ---- the notice line ---- */
async function loadNotice() {
  try {
    const d = await OS.api('GET', '/api/v1/notice');
    $('n-current').textContent = d.notice || '(không có)';
    $('n-text').value = d.notice;
  } catch (e) { say('nmsg', e.message); }
}
$('f-notice').addEventListener('submit', async ev => {
  ev.preventDefault();
  const text = $('n-text').value.trim();
  if ([...text].length > 200) return say('nmsg', 'Dòng thông báo dài tối đa 200 ký tự.');
  try { await OS.api('PUT', '/api/v1/notice', { notice: text }); } catch (e) { return say('nmsg', e.message); }
  say('nmsg', text ? 'Đã lưu dòng thông báo.' : 'Đã bỏ dòng thông báo.', true);
  loadNotice();
});

/* ---- the audit log ---- */
function auditQuery(extra) {
  const p = new URLSearchParams();
  if ($('a-who').value.trim()) p.set('who', $('a-who').value.trim());
  if ($('a-action').value) p.set('action', $('a-action').value);
  if ($('a-from').value) p.set('from', $('a-from').value);
  if ($('a-to').value) p.set('to', $('a-to').value);
  for (const k in extra || {}) p.set(k, extra[k]);
  const s = p.toString();
  return s ? '?' + s : '';
}
function json(v) { return v == null ? '—' : JSON.stringify(v); }
function checkRange() {
  const f = $('a-from').value, t = $('a-to').value;
  if (f && t && t < f) { say('amsg', 'Ngày kết thúc phải từ ngày bắt đầu trở đi.'); return false; }
  return true;
}
async function loadAudit() {
  say('amsg', '');
  if (!checkRange()) return;
  let d;
  try { d = await OS.api('GET', '/api/v1/audit' + auditQuery()); } catch (e) { return say('amsg', e.message); }
  $('t-audit').tBodies[0].innerHTML = (d.audit || []).map(a =>
    '<tr data-action="' + OS.esc(a.action) + '"><td>' + OS.esc(a.time) + '</td><td>' + OS.esc(a.who) + '</td><td>' +
    OS.esc(ROLES[a.role] || a.role) + '</td><td>' + OS.esc(a.client) + '</td><td>' +
    OS.esc(ACTIONS[a.action] || a.action) + '</td><td>' + OS.esc(a.target) + '</td><td><code>' +
    OS.esc(json(a.before)) + '</code></td><td><code>' + OS.esc(json(a.after)) + '</code></td></tr>').join('') ||
    '<tr><td colspan="8" class="muted">Không có thao tác nào.</td></tr>';
}
$('f-audit').addEventListener('submit', ev => { ev.preventDefault(); loadAudit(); });
$('a-csv').onclick = () => { if (checkRange()) location.href = '/api/v1/audit' + auditQuery({ format: 'csv' }); };

/* ---- the live configuration: counters, queues, policy, departments ---- */
const POLICY = [
  ['priority_interleave', 'Số lượt thường trước một lượt ưu tiên (0-100)', 'int'],
  ['priority_max_consecutive', 'Số lượt ưu tiên liên tiếp tối đa (1-100)', 'int'],
  ['target_override', 'Vé quá thời gian chờ mục tiêu được gọi trước', 'bool'],
  ['backup_past_target', 'Hàng dự phòng quá mục tiêu được gọi trước hàng chính', 'bool'],
  ['priority_first_free', 'Vé ưu tiên đến quầy rảnh đầu tiên', 'bool'],
  ['recall_limit', 'Số lần gọi lại trước khi tính vắng mặt (0-10)', 'int'],
  ['transfer_keeps_place', 'Chuyển quầy giữ thứ tự (mặc định)', 'bool'],
  ['rating_window_s', 'Thời gian nhận đánh giá sau khi xong (giây, 0-3600)', 'int'],
  ['daily_reset', 'Đánh số lại từ đầu mỗi ngày', 'bool']
];
function servesText(c) {
  return (c.queues || []).map(s => s.queue + (s.level === 'backup' ? ' (dự phòng)' : '')).join(', ');
}
async function loadConfig() {
  let d;
  try { d = await OS.api('GET', '/api/v1/config'); } catch (e) { return say('cfgmsg', e.message); }
  A.cfg = d;
  const dep = code => (d.departments.find(x => x.code === code) || { name: code }).name;
  $('t-counters').tBodies[0].innerHTML = d.counters.map(c =>
    '<tr data-counter="' + c.number + '"><td class="n">' + c.number + '</td><td>' + OS.esc(c.name) + '</td><td>' +
    OS.esc(dep(c.department)) + '</td><td>' + OS.esc(c.area) + '</td><td class="serves" title="' + OS.esc(c.serves) + '">' +
    OS.esc(servesText(c).length > 90 ? servesText(c).slice(0, 90) + '…' : servesText(c)) +
    '</td><td><button type="button" data-act="edit">Sửa</button></td></tr>').join('');
  $('t-queues').tBodies[0].innerHTML = d.queues.map(q =>
    '<tr data-queue="' + OS.esc(q.code) + '"><td>' + OS.esc(q.code) + '</td><td>' + OS.esc(q.name) + '</td><td>' +
    OS.esc(dep(q.department)) + '</td><td>' + OS.esc(q.numbers) + '</td><td class="n">' + q.target_wait +
    ' phút</td><td class="n">' + q.service_time + ' phút</td><td>' + (q.transfer_keeps_place ? 'Có' : 'Không') +
    '</td><td><button type="button" data-act="edit">Sửa</button></td></tr>').join('');
  $('t-policy').tBodies[0].innerHTML = POLICY.map(p =>
    '<tr data-key="' + p[0] + '"><td>' + OS.esc(p[1]) + '</td><td class="n">' +
    (p[2] === 'bool' ? (d.policy[p[0]] ? 'Có' : 'Không') : d.policy[p[0]]) + '</td></tr>').join('');
  $('t-departments').tBodies[0].innerHTML = d.departments.map(x =>
    '<tr data-department="' + OS.esc(x.code) + '"><td>' + OS.esc(x.code) + '</td><td>' + OS.esc(x.name) +
    '</td><td><button type="button" data-act="edit">Sửa</button></td></tr>').join('');
}

/* A dialog of fields [{key, label, value, type: text|int|bool|select, options, wide}] for one
   section; saves the fields that changed as one change of the configuration. */
function editSection(title, section, fields, help) {
  $('g-title').textContent = title;
  $('g-help').textContent = help || '';
  say('gmsg', '');
  $('g-fields').innerHTML = fields.map((f, i) => {
    const id = 'g-f' + i, v = String(f.value);
    let input;
    if (f.type === 'bool') {
      input = '<select id="' + id + '"><option value="yes"' + (f.value ? ' selected' : '') + '>Có</option>' +
        '<option value="no"' + (f.value ? '' : ' selected') + '>Không</option></select>';
    } else if (f.type === 'select') {
      input = '<select id="' + id + '">' + f.options.map(o => '<option value="' + OS.esc(o[0]) + '"' +
        (o[0] === v ? ' selected' : '') + '>' + OS.esc(o[1]) + '</option>').join('') + '</select>';
    } else {
      input = '<input id="' + id + '" data-key="' + OS.esc(f.key) + '" value="' + OS.esc(v) + '"' +
        (f.type === 'int' ? ' inputmode="numeric"' : '') + '>';
    }
    return '<label' + (f.wide ? ' class="wide"' : '') + '>' + OS.esc(f.label) + ' ' + input + '</label>';
  }).join('');
  $('dlg-cfg').showModal();
  $('f-cfg').onsubmit = async ev => {
    ev.preventDefault();
    const changes = [];
    fields.forEach((f, i) => {
      const now = $('g-f' + i).value.trim();
      const was = f.type === 'bool' ? (f.value ? 'yes' : 'no') : String(f.value);
      if (now !== was) changes.push({ section: typeof section === 'function' ? section(f) : section, key: f.key, value: now });
    });
    if (changes.length === 0) { $('dlg-cfg').close(); return; }
    try { await OS.api('POST', '/api/v1/config', { changes }); } catch (e) { return say('gmsg', e.message); }
    $('dlg-cfg').close();
    say('cfgmsg', 'Đã lưu: ' + title + '. Thay đổi có hiệu lực ngay.', true);
    loadConfig();
  };
}
$('g-cancel').onclick = () => $('dlg-cfg').close();

$('t-counters').addEventListener('click', ev => {
  const b = ev.target.closest('button[data-act="edit"]');
  if (!b) return;
  const c = A.cfg.counters.find(x => x.number === +b.closest('tr').dataset.counter);
  editSection('Quầy ' + c.number, 'counter ' + c.number, [
    { key: 'name', label: 'Tên quầy', value: c.name },
    { key: 'area', label: 'Khu vực', value: c.area },
    { key: 'department', label: 'Sở, ngành', value: c.department, type: 'select',
      options: A.cfg.departments.map(x => [x.code, x.name]) },
    { key: 'serves', label: 'Hàng đợi phục vụ', value: c.serves, wide: true }
  ], 'Hàng đợi phục vụ: các mã hàng đợi cách nhau bằng dấu phẩy, mỗi mã có thể thêm :backup ' +
    '(dự phòng: chỉ khi hàng chính trống hoặc vé dự phòng quá hạn); * là mọi hàng đợi chưa nêu. ' +
    'Ví dụ: TP-HT, TP-LL:backup hoặc TP-HT, *:backup.');
});
$('t-queues').addEventListener('click', ev => {
  const b = ev.target.closest('button[data-act="edit"]');
  if (!b) return;
  const q = A.cfg.queues.find(x => x.code === b.closest('tr').dataset.queue);
  editSection('Hàng đợi ' + q.code, 'queue ' + q.code, [
    { key: 'name', label: 'Tên hàng đợi', value: q.name, wide: true },
    { key: 'numbers', label: 'Dải số (ĐẦU-CUỐI, 1-9999)', value: q.numbers },
    { key: 'target_wait', label: 'Thời gian chờ mục tiêu (phút, 1-720)', value: q.target_wait, type: 'int' },
    { key: 'service_time', label: 'Thời gian phục vụ ước tính (phút, 1-480)', value: q.service_time, type: 'int' },
    { key: 'transfer_keeps_place', label: 'Vé chuyển đến giữ thứ tự', value: q.transfer_keeps_place, type: 'bool' }
  ], 'Dải số của các hàng đợi không được trùng nhau; số mới áp dụng cho các vé cấp sau.');
});
$('t-departments').addEventListener('click', ev => {
  const b = ev.target.closest('button[data-act="edit"]');
  if (!b) return;
  const x = A.cfg.departments.find(y => y.code === b.closest('tr').dataset.department);
  editSection('Sở, ngành ' + x.code, 'department ' + x.code,
    [{ key: 'name', label: 'Tên sở, ngành', value: x.name, wide: true }]);
});
$('policy-edit').onclick = () => editSection('Quy tắc gọi số', 'policy',
  POLICY.map(p => ({ key: p[0], label: p[1], value: A.cfg.policy[p[0]], type: p[2] === 'bool' ? 'bool' : 'int' })));

/* ---- the procedure catalogue ---- */
async function searchProcs() {
  const q = $('ps-q').value.trim();
  say('psmsg', '');
  if (!q) return say('psmsg', 'Nhập tên, mã hoặc từ khoá để tìm.');
  let d;
  try { d = await OS.api('GET', '/api/v1/procedures?limit=50&q=' + encodeURIComponent(q)); } catch (e) {
    return say('psmsg', e.message);
  }
  A.procs = d.procedures || [];
  $('t-procs').tBodies[0].innerHTML = A.procs.map(p =>
    '<tr data-code="' + OS.esc(p.code) + '"><td>' + OS.esc(p.code) + '</td><td>' + OS.esc(p.name) + '</td><td>' +
    OS.esc(p.department_name) + '</td><td>' + OS.esc(p.queue) + '</td><td>' + OS.esc(p.fee) +
    '</td><td><button type="button" data-act="edit">Sửa</button></td></tr>').join('') ||
    '<tr><td colspan="6" class="muted">Không tìm thấy thủ tục nào.</td></tr>';
}
$('f-psearch').addEventListener('submit', ev => { ev.preventDefault(); searchProcs(); });
$('t-procs').addEventListener('click', ev => {
  const b = ev.target.closest('button[data-act="edit"]');
  if (!b) return;
  const p = A.procs.find(x => x.code === b.closest('tr').dataset.code);
  A.proc = p;
  $('pr-code').textContent = p.code;
  $('pr-name').value = p.name;
  $('pr-field').value = p.field;
  $('pr-queue').innerHTML = (A.cfg ? A.cfg.queues : [{ code: p.queue, name: p.queue }]).map(q =>
    '<option value="' + OS.esc(q.code) + '"' + (q.code === p.queue ? ' selected' : '') + '>' +
    OS.esc(q.code + ' — ' + q.name) + '</option>').join('');
  $('pr-fee').value = p.fee;
  $('pr-time').value = p.processing_time;
  $('pr-docs').value = p.documents;
  say('prmsg', '');
  $('dlg-proc').showModal();
});
$('f-proc').addEventListener('submit', async ev => {
  ev.preventDefault();
  const p = A.proc, body = {};
  const f = { name: 'pr-name', field: 'pr-field', queue: 'pr-queue', fee: 'pr-fee',
    processing_time: 'pr-time', documents: 'pr-docs' };
  for (const k in f) if ($(f[k]).value.trim() !== p[k]) body[k] = $(f[k]).value.trim();
  if (body.name === '') return say('prmsg', 'Cần nhập tên thủ tục.');
  if (Object.keys(body).length === 0) { $('dlg-proc').close(); return; }
  try { await OS.api('PATCH', '/api/v1/procedures/' + encodeURIComponent(p.code), body); } catch (e) {
    return say('prmsg', e.message);
  }
  $('dlg-proc').close();
  await searchProcs();
  say('psmsg', 'Đã lưu thủ tục ' + p.code + '.', true);
});
$('pr-cancel').onclick = () => $('dlg-proc').close();

/* A CSV body (OS.api sends JSON only). */
async function postCsv(path, text) {
  let res;
  try {
    res = await fetch(path, { method: 'POST', credentials: 'same-origin',
      headers: { 'X-CSRF-Token': OS.cookie('onestop_csrf'), 'Content-Type': 'text/csv; charset=utf-8' }, body: text });
  } catch (e) {
    throw { status: 0, message: 'Không kết nối được với máy chủ.' };
  }
  let data = null;
  try { data = await res.json(); } catch (e) { data = null; }
  if (!res.ok) throw { status: res.status, message: data && data.message || 'Lỗi ' + res.status };
  return data;
}
const FIELDS = { name: 'tên', department: 'sở, ngành', field: 'lĩnh vực', queue: 'hàng đợi',
  target_wait_min: 'thời gian chờ', fee: 'lệ phí', processing_time: 'thời hạn', documents: 'giấy tờ',
  keywords: 'từ khoá' };
function list(id, items, fmt) {
  const max = 50;
  $(id).innerHTML = items.slice(0, max).map(x => '<li>' + fmt(x) + '</li>').join('') +
    (items.length > max ? '<li class="muted">… và ' + (items.length - max) + ' thủ tục khác</li>' : '') ||
    '<li class="muted">Không có.</li>';
}
$('f-import').addEventListener('submit', async ev => {
  ev.preventDefault();
  $('imp-result').hidden = true;
  say('impmsg', '');
  const f = $('imp-file').files[0];
  if (!f) return say('impmsg', 'Chọn một tệp CSV.');
  A.importText = await f.text();
  let d;
  try { d = await postCsv('/api/v1/procedures/import/preview', A.importText); } catch (e) {
    return say('impmsg', e.message);
  }
  $('imp-summary').textContent = 'Tệp có ' + d.procedures + ' thủ tục (hiện có ' + d.current + '): thêm ' +
    d.added.length + ', bỏ ' + d.removed.length + ', sửa ' + d.changed.length + ', giữ nguyên ' + d.unchanged + '.';
  list('imp-added', d.added, x => OS.esc(x.code + ' ' + x.name));
  list('imp-removed', d.removed, x => OS.esc(x.code + ' ' + x.name));
  list('imp-changed', d.changed, x => OS.esc(x.code + ' ' + x.name) + ': ' +
    OS.esc(x.fields.map(k => FIELDS[k] || k).join(', ')));
  $('imp-result').hidden = false;
});
$('imp-apply').onclick = async () => {
  let d;
  try { d = await postCsv('/api/v1/procedures/import', A.importText); } catch (e) { return say('impmsg', e.message); }
  $('imp-result').hidden = true;
  say('impmsg', 'Đã nhập ' + d.imported + ' thủ tục.', true);
};

async function main() {
  const me = await OS.me(['admin']);
  $('who').textContent = me.full_name || me.user || me.name;
  $('logout').onclick = OS.logout;
  for (const t of ['users', 'devices', 'notice', 'config', 'catalogue', 'audit']) $('tab-' + t).onclick = () => tab(t);
  $('a-action').innerHTML = '<option value="">Tất cả</option>' + Object.keys(ACTIONS).map(k =>
    '<option value="' + k + '">' + OS.esc(ACTIONS[k]) + '</option>').join('');
  await Promise.all([loadUsers(), loadNotice()]);
  document.body.dataset.ready = '1';
}
main();
