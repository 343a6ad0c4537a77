/* manager.js - the manager's dashboard: the live view (queues, counters,
   today's totals; reloaded after every event and every 10 s for the timers)
   and the history view (any date range, any breakdown, filters; the chart is
   an SVG drawn by the server; CSV export and the printable report). */
'use strict';

const $ = id => document.getElementById(id);
const M = { state: null, live: false };

function card(label, value, id) {
  return '<div class="card"' + (id ? ' id="' + id + '"' : '') + '>' + OS.esc(label) + '<b>' + OS.esc(value) + '</b></div>';
}

async function loadLive() {
  let d;
  try {
    d = await OS.api('GET', '/api/v1/stats/live');
  } catch (e) {
    if (e.status === 401) location.href = '/?next=/manager';
    return;
  }
  const t = d.today, cs = d.counters || [];
  const waiting = (d.queues || []).reduce((s, q) => s + q.waiting, 0);
  $('cards').innerHTML =
    card('Đang chờ', waiting, 'c-waiting') + card('Đã cấp hôm nay', t.issued, 'c-issued') +
    card('Đã phục vụ hôm nay', t.served, 'c-served') + card('Vắng mặt', t.no_show) +
    card('Quầy mở / tạm dừng / đang phục vụ', cs.filter(c => c.state === 'open').length + ' / ' +
      cs.filter(c => c.state === 'paused').length + ' / ' + cs.filter(c => c.ticket_state).length, 'c-counters') +
    card('Thiết bị mất kết nối', d.devices_offline == null ? '—' : d.devices_offline.length, 'c-devices');
  const off = d.devices_offline || [];
  const dc = $('c-devices');
  if (dc) dc.title = off.map(x => ({ printer: 'Máy in ', line: 'Đường RS-485 ', board: 'Bảng ' }[x.kind] || '') + x.id + ': ' + x.state).join('\n');
  $('queues').tBodies[0].innerHTML = (d.queues || []).map(q =>
    '<tr data-queue="' + OS.esc(q.code) + '"><td>' + OS.esc(q.name) + '</td><td class="n">' + q.waiting + '</td><td class="n' +
    (q.over_target ? ' over' : '') + '">' + (q.waiting ? OS.dur(q.longest_wait_s) : '—') + '</td><td class="n">' +
    (q.target_s ? q.target_s / 60 + ' phút' : '—') + '</td><td class="n">' + q.issued_today + '</td><td class="n">' +
    q.served_today + '</td></tr>').join('');
  const st = { open: 'Đang mở', paused: 'Tạm dừng', closed: 'Đã đóng' };
  const ts = { called: 'đã gọi', serving: 'đang phục vụ' };
  $('counters').tBodies[0].innerHTML = cs.map(c =>
    '<tr data-counter="' + c.number + '"><td>' + OS.esc(c.name) + '</td><td class="state-' + OS.esc(c.state) + '">' +
    OS.esc(st[c.state] || c.state) + (c.reason ? ' (' + OS.esc(c.reason) + ')' : '') + '</td><td class="n">' +
    (c.state !== 'closed' ? OS.dur(c.for_s) : '—') + '</td><td>' +
    (c.ticket_number ? String(c.ticket_number).padStart(4, '0') + ' ' + OS.esc(ts[c.ticket_state] || '') +
      ' ' + OS.dur(c.ticket_for_s) : '') + '</td><td>' + OS.esc(c.staff_name) + '</td><td class="n">' +
    c.served_today + '</td></tr>').join('') || '<tr><td colspan="6" class="muted">Chưa có quầy nào hoạt động.</td></tr>';
}

function params(extra) {
  const p = new URLSearchParams();
  p.set('from', $('from').value);
  p.set('to', $('to').value);
  p.set('by', $('by').value);
  if ($('f-department').value) p.set('department', $('f-department').value);
  if ($('f-queue').value) p.set('queue', $('f-queue').value);
  if ($('f-counter').value) p.set('counter', $('f-counter').value);
  for (const k in extra || {}) p.set(k, extra[k]);
  return p.toString();
}

const COLS = [
  ['Đã cấp', g => g.issued], ['Chuyển đến', g => g.transferred_in], ['Đã phục vụ', g => g.served],
  ['Vắng mặt', g => g.no_show], ['Đã hủy', g => g.cancelled], ['Vắng mặt %', g => OS.pct(g.no_show_pct)],
  ['Chờ TB', g => OS.dur(g.wait.mean_s)], ['Chờ trung vị', g => OS.dur(g.wait.median_s)],
  ['Chờ P90', g => OS.dur(g.wait.p90_s)], ['Chờ lâu nhất', g => OS.dur(g.wait.max_s)],
  ['Phục vụ TB', g => OS.dur(g.service.mean_s)], ['Phục vụ trung vị', g => OS.dur(g.service.median_s)],
  ['Phục vụ P90', g => OS.dur(g.service.p90_s)], ['Phục vụ lâu nhất', g => OS.dur(g.service.max_s)],
  ['Đạt chuẩn', g => OS.pct(g.service_level.pct)], ['Hài lòng', g => OS.pct(g.rating.satisfied_pct)],
  ['Đánh giá (1/2/3/4)', g => g.rating.counts.join('/')]];

async function loadHist(ev) {
  if (ev) ev.preventDefault();
  $('hmsg').textContent = '';
  let r;
  try {
    r = await OS.api('GET', '/api/v1/stats/report?' + params());
  } catch (e) {
    $('hmsg').textContent = e.message;
    return;
  }
  const t = r.total, by = $('by').value;
  $('hcards').innerHTML = card('Đã cấp số', t.issued, 'h-issued') + card('Đã phục vụ', t.served, 'h-served') +
    card('Tỷ lệ vắng mặt', OS.pct(t.no_show_pct)) + card('Chờ trung bình / P90', OS.dur(t.wait.mean_s) + ' / ' + OS.dur(t.wait.p90_s)) +
    card('Tỷ lệ đạt chuẩn', OS.pct(t.service_level.pct)) + card('Hài lòng', OS.pct(t.rating.satisfied_pct));
  $('chart').innerHTML = '<img alt="Biểu đồ" src="/api/v1/stats/report?' + OS.esc(params({ format: 'svg', metric: $('metric').value })) + '">' +
    (r.exact ? '' : '<p class="muted">Trung vị và phân vị 90 tính từ biểu đồ tần suất theo phút (sai số dưới 1 phút).</p>');
  $('htitle').textContent = 'Chi tiết theo ' + $('by').selectedOptions[0].textContent.toLowerCase() +
    ' (' + r.from + ' → ' + r.to + ')';
  $('htable').tHead.innerHTML = '<tr><th>' + OS.esc($('by').selectedOptions[0].textContent) + '</th>' +
    COLS.map(c => '<th class="n">' + OS.esc(c[0]) + '</th>').join('') + '</tr>';
  const rows = (r.by[by] || []).concat([t]);
  $('htable').tBodies[0].innerHTML = rows.map(g => '<tr><td>' + OS.esc(g.label) + '</td>' +
    COLS.map(c => '<td class="n">' + OS.esc(c[1](g)) + '</td>').join('') + '</tr>').join('');
  $('defs').innerHTML = Object.values(r.definitions || {}).map(d => '<li>' + OS.esc(d) + '</li>').join('');
}

function tab(which) {
  $('tab-live').setAttribute('aria-selected', which === 'live');
  $('tab-hist').setAttribute('aria-selected', which === 'hist');
  $('live').hidden = which !== 'live';
  $('hist').hidden = which !== 'hist';
  if (which === 'hist') loadHist();
}

/* The service day (the server's; it starts at the centre's day_start_hour). */
function setRange(today) {
  $('from').value = today.slice(0, 8) + '01';
  $('to').value = today;
}

(async function main() {
  const me = await OS.me(['manager', 'admin']);
  $('who').textContent = (me.full_name || me.user || me.name) + ' · ' + (me.role === 'admin' ? 'Quản trị' : 'Quản lý');
  $('logout').addEventListener('click', OS.logout);
  $('tab-live').addEventListener('click', () => tab('live'));
  $('tab-hist').addEventListener('click', () => tab('hist'));
  $('f-hist').addEventListener('submit', loadHist);
  $('csv').addEventListener('click', () => { location.href = '/api/v1/stats/report?' + params({ format: 'csv' }); });
  $('print').addEventListener('click', () => {
    window.open('/report?from=' + $('from').value + '&to=' + $('to').value, '_blank');
  });
  setRange(OS.today());
  try {
    M.state = await OS.api('GET', '/api/v1/state');
    if (M.state.day) setRange(M.state.day);
    const deps = {};
    (M.state.queues || []).forEach(q => { deps[q.department] = 1; });
    $('f-department').innerHTML += Object.keys(deps).map(d => '<option>' + OS.esc(d) + '</option>').join('');
    $('f-queue').innerHTML += (M.state.queues || []).map(q => '<option value="' + OS.esc(q.code) + '">' + OS.esc(q.name) + '</option>').join('');
    $('f-counter').innerHTML += (M.state.counters || []).map(c => '<option value="' + c.number + '">' + OS.esc(c.name) + '</option>').join('');
  } catch (e) { /* filters stay "all" */ }
  OS.live(loadLive, ok => { M.live = ok; $('conn').className = 'banner ' + (ok ? 'on' : 'off'); });
  setInterval(loadLive, 10000);
  await loadLive();
})();
