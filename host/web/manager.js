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

/* One row of today's figures of a queue (or the total): median and P90
   wait, service level, no-show rate and satisfaction, from stats_live. */
function todayCells(g) {
  return '<td class="n">' + OS.dur(g && g.wait.median_s) + '</td><td class="n">' + OS.dur(g && g.wait.p90_s) +
    '</td><td class="n">' + OS.pct(g && g.service_level.pct) + '</td><td class="n">' + OS.pct(g && g.no_show_pct) +
    '</td><td class="n">' + OS.pct(g && g.rating.satisfied_pct) + '</td>';
}

async function loadLive() {
  let d;
  try {
    d = await OS.api('GET', '/api/v1/stats/live');
  } catch (e) {
    if (e.status === 401) location.href = '/?next=/manager';
    return;
  }
  /* Today's appointments: booked, come, no-shows (window closed). */
  let bk = null;
  try { bk = (await OS.api('GET', '/api/v1/stats/bookings')).total; } catch (e) { bk = null; }
  const t = d.today, cs = d.counters || [], qs = d.queues || [];
  const waiting = qs.reduce((s, q) => s + q.waiting, 0);
  const ua = d.unattached_ratings || { n: 0 };
  $('cards').innerHTML =
    card('Đang chờ', waiting, 'c-waiting') + card('Đã cấp số hôm nay', t.issued, 'c-issued') +
    card('Đã phục vụ hôm nay', t.served, 'c-served') +
    card('Vắng mặt', t.no_show + ' (' + OS.pct(t.no_show_pct) + ')', 'c-noshow') +
    card('Chờ trung vị / P90', OS.dur(t.wait.median_s) + ' / ' + OS.dur(t.wait.p90_s), 'c-wait') +
    card('Đạt chuẩn thời gian chờ', OS.pct(t.service_level.pct), 'c-sl') +
    card('Hài lòng (' + t.rating.n + ' đánh giá)', OS.pct(t.rating.satisfied_pct), 'c-sat') +
    card('Đánh giá không gắn với vé', ua.n, 'c-unattached') +
    card('Quầy mở / tạm dừng / đang phục vụ', cs.filter(c => c.state === 'open').length + ' / ' +
      cs.filter(c => c.state === 'paused').length + ' / ' + cs.filter(c => c.ticket_state).length, 'c-counters') +
    card('Thiết bị mất kết nối', d.devices_offline == null ? '—' : d.devices_offline.length, 'c-devices') +
    card('Lịch hẹn hôm nay: đặt / đã đến / vắng', bk ? bk.booked + ' / ' + bk.checked_in + ' / ' +
      bk.no_show : '—', 'c-bookings');
  const off = d.devices_offline || [];
  const dc = $('c-devices');
  if (dc) dc.title = off.map(x => ({ printer: 'Máy in ', line: 'Đường RS-485 ', board: 'Bảng ' }[x.kind] || '') + x.id + ': ' + x.state).join('\n');
  $('queues').tBodies[0].innerHTML = qs.map(q =>
    '<tr data-queue="' + OS.esc(q.code) + '"><td>' + OS.esc(q.name) + '</td><td class="n">' + q.waiting + '</td><td class="n' +
    (q.over_target ? ' over' : '') + '">' + (q.waiting ? OS.dur(q.longest_wait_s) : '—') + '</td><td class="n">' +
    (q.target_s ? OS.num(q.target_s / 60) + ' phút' : '—') + '</td><td class="n">' + q.issued_today + '</td><td class="n">' +
    q.served_today + '</td>' + todayCells(q.today) + '</tr>').join('');
  $('queues').tFoot.innerHTML = '<tr data-queue=""><th>Tổng cộng</th><th class="n">' + waiting + '</th><th></th><th></th><th class="n">' +
    t.issued + '</th><th class="n">' + t.served + '</th>' + todayCells(t).replace(/<td/g, '<th').replace(/<\/td>/g, '</th>') + '</tr>';
  const st = { open: 'Đang mở', paused: 'Tạm dừng', closed: 'Đã đóng' };
  const ts = { called: 'đã gọi', serving: 'đang phục vụ' };
  $('counters').tBodies[0].innerHTML = cs.map(c =>
    '<tr data-counter="' + c.number + '"><td>' + OS.esc(c.name) + '</td><td class="state-' + OS.esc(c.state) + '">' +
    OS.esc(st[c.state] || c.state) + (c.reason ? ' (' + OS.esc(c.reason) + ')' : '') + '</td><td class="n">' +
    (c.state !== 'closed' ? OS.dur(c.for_s) : '—') + '</td><td>' +
    (c.ticket_number ? String(c.ticket_number).padStart(4, '0') + ' ' + OS.esc(ts[c.ticket_state] || '') +
      ' ' + OS.dur(c.ticket_for_s) : '') + '</td><td>' + (c.state !== 'closed' ? OS.esc(c.staff_name) : '') + '</td><td class="n">' +
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

const T = OS.T;
const COLS = [
  [T.issued, g => g.issued], [T.transferred_in, g => g.transferred_in], [T.served, g => g.served],
  [T.no_show, g => g.no_show], [T.cancelled, g => g.cancelled], [T.no_show_pct, g => OS.pct(g.no_show_pct)],
  [T.wait_mean, g => OS.dur(g.wait.mean_s)], [T.wait_median, g => OS.dur(g.wait.median_s)],
  [T.wait_p90, g => OS.dur(g.wait.p90_s)], [T.wait_max, g => OS.dur(g.wait.max_s)],
  [T.svc_mean, g => OS.dur(g.service.mean_s)], [T.svc_median, g => OS.dur(g.service.median_s)],
  [T.svc_p90, g => OS.dur(g.service.p90_s)], [T.svc_max, g => OS.dur(g.service.max_s)],
  [T.service_level, g => OS.pct(g.service_level.pct)], [T.satisfied, g => OS.pct(g.rating.satisfied_pct)],
  [T.ratings, g => g.rating.counts.join('/')]];

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
  const ua = r.unattached_ratings;
  $('hcards').innerHTML = card(T.issued, t.issued, 'h-issued') + card(T.served, t.served, 'h-served') +
    card(T.no_show_pct, OS.pct(t.no_show_pct), 'h-noshow') +
    card('Chờ TB / P90', OS.durText(t.wait.mean_s) + ' / ' + OS.durText(t.wait.p90_s), 'h-wait') +
    card('Tỷ lệ đạt chuẩn', OS.pct(t.service_level.pct), 'h-sl') +
    card('Hài lòng (' + t.rating.n + ' đánh giá)', OS.pct(t.rating.satisfied_pct), 'h-sat') +
    card(T.unattached, ua ? ua.n : '—', 'h-unattached');
  $('chart').innerHTML = '<img alt="Biểu đồ" src="/api/v1/stats/report?' + OS.esc(params({ format: 'svg', metric: $('metric').value })) + '">' +
    (r.exact ? '' : '<p class="muted">Trung vị và P90 tính từ biểu đồ tần suất theo phút (sai số không quá 30 giây).</p>');
  $('hnote').textContent = T.dur_unit + ' “—”: không có gì để tính (ví dụ tỷ lệ vắng mặt khi chưa cấp số nào).';
  $('htitle').textContent = 'Chi tiết theo ' + $('by').selectedOptions[0].textContent.toLowerCase() +
    ' (' + OS.dmy(r.from) + ' → ' + OS.dmy(r.to) + ')';
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
    /* Departments by name (the codes are the values sent). */
    let depts = [];
    try { depts = (await OS.api('GET', '/api/v1/departments')).departments || []; } catch (e) { /* none */ }
    $('f-department').innerHTML += depts.map(d => '<option value="' + OS.esc(d.code) + '">' + OS.esc(d.name) + '</option>').join('');
    $('f-queue').innerHTML += (M.state.queues || []).map(q => '<option value="' + OS.esc(q.code) + '">' + OS.esc(q.name) + '</option>').join('');
    $('f-counter').innerHTML += (M.state.counters || []).map(c => '<option value="' + c.number + '">' + OS.esc(c.name) + '</option>').join('');
  } catch (e) { /* filters stay "all" */ }
  OS.live(loadLive, ok => { M.live = ok; $('conn').className = 'banner ' + (ok ? 'on' : 'off'); });
  setInterval(loadLive, 10000);
  await loadLive();
})();
