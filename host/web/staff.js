/* staff.js - the counter console: pick a counter, work it, see its waiting
   list and today's figures.  Every change reloads the full state from the
   server (after each event of the stream and after each reconnection), so a
   dropped connection or a daemon restart never leaves anything stale on
   screen; while the stream is down the page is greyed out. */
'use strict';

/* own: "ticket:event type" -> until when an event is this page's own doing. */
const S = { me: null, state: null, counter: 0, busy: false, live: false, own: {} };
const $ = id => document.getElementById(id);

function say(text, kind) {
  const m = $('msg');
  m.textContent = text || '';
  m.className = 'msg ' + (kind || '');
}

/* 12 -> "0012": how the boards and the tickets show a number. */
function num4(n) { return String(n).padStart(4, '0'); }

/* Unix seconds -> "10:42" (local time). */
function hhmm(t) {
  const d = new Date(t * 1000), p = n => String(n).padStart(2, '0');
  return p(d.getHours()) + ':' + p(d.getMinutes());
}

/* What the panel says when the counter holds no ticket. */
function idleText(c) {
  if (!c) return 'Quầy chưa mở.';
  if (c.state === 'open') return 'Chưa gọi số nào.';
  if (c.state === 'paused')
    return 'Quầy đang tạm dừng' + (c.since ? ' từ ' + hhmm(c.since) : '') +
      (c.reason ? ' — Lý do: ' + c.reason : '.');
  return 'Quầy chưa mở.';
}

/* What an accepted action did, in words (null: nothing to say). */
function doneText(action, body, ans, opts) {
  const t = ans && ans.ticket;
  if (action === 'recall' && t) {
    if (t.state === 'no_show')
      return ['Số ' + num4(t.number) + ' đã được chuyển thành vắng mặt sau ' + t.calls + ' lần gọi.', 'warn'];
    if (ans.recalls_left === 0) return ['Gọi lại lần cuối: lần sau sẽ tính là vắng mặt.', 'warn'];
    return ['Đã gọi lại số ' + num4(t.number) + ' (lần gọi thứ ' + t.calls + ').', 'info'];
  }
  if (action === 'call' && t && opts.parked)
    return ['Đã gọi lại số ' + num4(t.number) + ' đang tạm gác.', 'info'];
  if (action === 'unpark' && body)
    return ['Số ' + num4(body.number) + ' đã được đưa lại hàng chờ của quầy.', 'info'];
  if (action === 'park' && t)
    return ['Đã tạm gác số ' + num4(t.number) + '.', 'info'];
  return null;
}

/*
 * An event of the stream: say what was done at this counter from elsewhere
 * (its keypad, another desk), which the reload alone would show only as a
 * ticket gone from the panel.  What this page did itself it has said.
 */
function onEvent(e) {
  if (S.busy || e.counter !== S.counter) return;
  const own = S.own[e.ticket + ':' + e.type];
  if (own && own > Date.now()) return;
  if (e.type === 'no_show')
    say('Số ' + num4(e.number) + ' đã được ghi vắng mặt (từ bàn phím quầy hoặc nơi khác).', 'warn');
  else if (e.type === 'recalled')
    say('Số ' + num4(e.number) + ' vừa được gọi lại từ bàn phím quầy hoặc nơi khác.', 'info');
}

function myCounters() {
  if (!S.state) return [];
  const all = S.state.counters || [];
  if (S.me.role === 'staff') return all.filter(c => (S.me.counters || []).indexOf(c.number) >= 0);
  return all;
}

function cur() {
  return S.state && (S.state.counters || []).find(c => c.number === S.counter) || null;
}

/* The queues a counter serves: its own list when the server gives it, else its department's. */
function servedQueues(c) {
  if (!c) return [];
  if (Array.isArray(c.serves)) return c.serves.map(s => typeof s === 'string' ? s : s.queue);
  return (S.state.queues || []).filter(q => q.department === c.department).map(q => q.code);
}

function render() {
  const st = S.state;
  if (!st) return;
  $('centre').textContent = (st.centre && (st.centre.name || st.centre)) || 'Bàn làm việc tại quầy';
  const sel = $('counter'), mine = myCounters();
  /* Names too: an admin may rename a counter while the page is open. */
  const want = mine.map(c => c.number + ':' + (c.name || '')).join(',');
  if (sel.dataset.list !== want) {
    sel.innerHTML = mine.map(c => '<option value="' + c.number + '">' + OS.esc(c.name || ('Quầy ' + c.number)) + '</option>').join('');
    sel.dataset.list = want;
  }
  if (!mine.find(c => c.number === S.counter) && mine.length) {
    S.counter = +(localStorage.getItem('onestop_counter') || 0);
    if (!mine.find(c => c.number === S.counter)) S.counter = mine[0].number;
  }
  sel.value = String(S.counter);
  const c = cur();
  const states = { open: 'Đang mở', paused: 'Tạm dừng', closed: 'Đã đóng' };
  $('cstate').textContent = c ? (states[c.state] || c.state) + (c.state === 'paused' && c.reason ? ' (' + c.reason + ')' : '') : '—';
  $('cstate').className = c ? 'state-' + c.state : '';
  $('csince').textContent = c && c.since ? 'từ ' + new Date(c.since * 1000).toLocaleTimeString('vi-VN') : '';
  const t = c && c.ticket;
  $('tnum').textContent = t ? num4(t.number) : '—';
  if (t) {
    const tstates = { called: 'Đã gọi', serving: 'Đang phục vụ' };
    $('tinfo').innerHTML = '<b>' + OS.esc(tstates[t.state] || t.state) + '</b> · ' + OS.esc(t.queue_name || t.queue) +
      (t.procedure_name ? '<br>Thủ tục: ' + OS.esc(t.procedure_name) : '') +
      (t.priority_name ? '<br>Ưu tiên: ' + OS.esc(t.priority_name) : '') +
      '<br><span class="muted">Lấy số lúc ' + new Date(t.issued_at * 1000).toLocaleTimeString('vi-VN') +
      (t.calls > 1 ? ' · đã gọi ' + t.calls + ' lần' : '') + '</span>';
  } else {
    $('tinfo').textContent = idleText(c);
  }
  const open = c && c.state === 'open', has = !!t;
  $('b-next').disabled = !open || has || S.busy;
  $('b-call').disabled = !open || has || S.busy;
  $('b-recall').disabled = !has || S.busy;
  $('b-start').disabled = !has || t.state !== 'called' || S.busy;
  $('b-finish').disabled = !has || S.busy;
  $('b-noshow').disabled = !has || t.state !== 'called' || S.busy;
  $('b-transfer').disabled = !has || S.busy;
  $('b-park').disabled = !has || S.busy;
  $('b-open').disabled = !c || c.state === 'open' || S.busy;
  $('b-pause').disabled = !c || c.state !== 'open' || has || S.busy;
  $('b-close').disabled = !c || c.state === 'closed' || has || S.busy;
  /* The waiting list of the queues this counter serves. */
  /* Own (primary) queues first, then the queues it backs up, each in
     arrival order: the order call-next works in, near enough. */
  const qs = servedQueues(c), now = OS.now(), backup = {};
  if (c && Array.isArray(c.serves))
    c.serves.forEach(s => { if (s && s.level === 'backup') backup[s.queue] = true; });
  const lv = w => (backup[w.queue] && w.assigned_counter !== S.counter) ? 1 : 0;
  const list = (st.waiting || []).filter(w => qs.indexOf(w.queue) >= 0 &&
    (w.assigned_counter == null || w.assigned_counter === S.counter))
    .sort((a, b) => lv(a) - lv(b) ||
      (a.enqueued_at || a.issued_at) - (b.enqueued_at || b.issued_at) || a.id - b.id);
  $('nwait').textContent = list.length;
  $('waiting').tBodies[0].innerHTML = list.map(w => {
    const q = (st.queues || []).find(x => x.code === w.queue);
    const waited = now - (w.enqueued_at || w.issued_at);
    const over = q && q.target_wait_min && waited > q.target_wait_min * 60;
    return '<tr data-number="' + w.number + '"><td><b>' + num4(w.number) + '</b></td><td>' +
      OS.esc(w.queue_name || w.queue) + (lv(w) ? ' <span class="muted">(hỗ trợ)</span>' : '') +
      '</td><td>' + OS.esc(w.priority_name || '') + '</td><td class="n' +
      (over ? ' over' : '') + '">' + OS.dur(waited) + '</td><td>' +
      (w.state === 'parked' ? '<span class="muted">Tạm gác</span> <button type="button" data-callback="' + w.number +
        '" title="Gọi lại số này ngay tại quầy">Gọi lại</button> <button type="button" data-unpark="' + w.number +
        '" title="Để số này chờ gọi tiếp theo">Đưa lại hàng chờ</button>' : '') +
      '</td></tr>';
  }).join('') || '<tr><td colspan="5" class="muted">Không có ai đang chờ.</td></tr>';
}

async function loadToday() {
  if (!S.counter) return;
  try {
    const r = await OS.api('GET', '/api/v1/stats/counters/' + S.counter + '/today');
    const t = r.total;
    $('today').innerHTML =
      '<div>Đã phục vụ<b id="today-served">' + t.served + '</b></div>' +
      '<div>Vắng mặt<b>' + t.no_show + '</b></div>' +
      '<div>Chờ TB<b>' + OS.durText(t.wait.mean_s) + '</b></div>' +
      '<div>Phục vụ TB<b>' + OS.durText(t.service.mean_s) + '</b></div>';
  } catch (e) {
    $('today').innerHTML = '<div class="muted">' + OS.esc(e.message) + '</div>';
  }
}

async function reload() {
  try {
    S.state = await OS.api('GET', '/api/v1/state');
    render();
    loadToday();
    $('app').classList.toggle('stale', !S.live);
  } catch (e) {
    if (e.status === 401) location.href = '/?next=/staff';
    $('app').classList.add('stale');
  }
}

async function act(action, body, opts) {
  if (S.busy || !S.counter) return;
  S.busy = true;
  const t = cur() && cur().ticket;
  if (t && (action === 'recall' || action === 'no-show')) {
    S.own = {};
    S.own[t.id + ':recalled'] = S.own[t.id + ':no_show'] = Date.now() + 5000;
  }
  render();
  try {
    const ans = await OS.api('POST', '/api/v1/counters/' + S.counter + '/' + action, body);
    const done = doneText(action, body, ans, opts || {});
    say(done ? done[0] : '', done ? done[1] : '');
  } catch (e) {
    say(e.message, 'err');
  } finally {
    S.busy = false;
    await reload();
  }
}

function openTransfer() {
  const c = cur();
  if (!c || !c.ticket) return;
  $('tr-num').textContent = num4(c.ticket.number);
  $('tr-queue').innerHTML = '<option value="">—</option>' + (S.state.queues || []).map(q =>
    '<option value="' + OS.esc(q.code) + '">' + OS.esc(q.name) + '</option>').join('');
  $('tr-counter').innerHTML = '<option value="">—</option>' + (S.state.counters || [])
    .filter(x => x.number !== S.counter).map(x =>
      '<option value="' + x.number + '">' + OS.esc(x.name || ('Quầy ' + x.number)) + '</option>').join('');
  $('d-transfer').showModal();
  $('tr-queue').focus();
}

function init() {
  $('counter').addEventListener('change', () => {
    S.counter = +$('counter').value;
    localStorage.setItem('onestop_counter', S.counter);
    render();
    loadToday();
  });
  $('logout').addEventListener('click', OS.logout);
  $('b-next').addEventListener('click', () => act('next'));
  $('b-recall').addEventListener('click', () => act('recall'));
  $('b-start').addEventListener('click', () => act('start'));
  $('b-finish').addEventListener('click', () => act('finish'));
  $('b-noshow').addEventListener('click', () => act('no-show'));
  $('b-park').addEventListener('click', () => act('park'));
  $('b-open').addEventListener('click', () => act('open'));
  $('b-close').addEventListener('click', () => act('close'));
  $('b-transfer').addEventListener('click', openTransfer);
  $('b-call').addEventListener('click', () => { $('call-num').value = ''; $('d-call').showModal(); });
  $('b-pause').addEventListener('click', () => $('d-pause').showModal());
  $('d-transfer').addEventListener('close', () => {
    if ($('d-transfer').returnValue !== 'ok') return;
    const q = $('tr-queue').value, n = +$('tr-counter').value;
    if (!q && !n) { say('Hãy chọn hàng đợi hoặc quầy để chuyển.', 'err'); return; }
    const body = q ? { queue: q } : { counter: n };
    body.keep_place = $('tr-keep').checked;
    act('transfer', body);
  });
  $('d-call').addEventListener('close', () => {
    const v = $('call-num').value.trim();
    if ($('d-call').returnValue !== 'ok') return;
    if (!/^[0-9]{1,4}$/.test(v)) { say('Số vé phải là 1 đến 4 chữ số.', 'err'); return; }
    act('call', { number: +v });
  });
  $('d-pause').addEventListener('close', () => {
    if ($('d-pause').returnValue === 'ok') act('pause', { reason: $('pause-reason').value });
  });
  /* A parked ticket: "Gọi lại" calls it here now; "Đưa lại hàng chờ"
     puts it back in the counter's list (called before new tickets). */
  $('waiting').addEventListener('click', ev => {
    const d = ev.target.dataset || {};
    if (d.callback) act('call', { number: +d.callback }, { parked: true });
    else if (d.unpark) act('unpark', { number: +d.unpark });
  });
  /* A visitor with an appointment: check the booking in, which issues its
     ticket (of the appointment class within the booking's window). */
  $('f-appt').addEventListener('submit', async ev => {
    ev.preventDefault();
    const code = $('appt-code').value.trim(), m = $('appt-msg');
    if (!code) return;
    try {
      const ans = await OS.api('POST', '/api/v1/bookings/' + encodeURIComponent(code) + '/checkin',
        { print: false });
      m.textContent = 'Lịch hẹn ' + ans.booking.code + ': đã cấp số ' + num4(ans.ticket.number) +
        (ans.on_time ? ' (ưu tiên theo lịch hẹn).' : ' (số thường: khách đến muộn hơn giờ hẹn).');
      m.className = 'msg ok';
      $('appt-code').value = '';
    } catch (e) {
      m.textContent = e.message;
      m.className = 'msg err';
    }
    await reload();
  });
  /* Function keys work anywhere; nothing is typed into a field by them. */
  const keys = { F2: 'b-next', F3: 'b-recall', F4: 'b-finish', F6: 'b-start', F7: 'b-noshow',
    F8: 'b-transfer', F9: 'b-park', F10: 'b-call' };
  document.addEventListener('keydown', ev => {
    const id = keys[ev.key];
    if (!id || document.querySelector('dialog[open]')) return;
    ev.preventDefault();
    if (!$(id).disabled) $(id).click();
  });
  setInterval(render, 1000);   /* waiting times tick */
}

(async function main() {
  S.me = await OS.me(['staff', 'manager', 'admin']);
  $('who').textContent = (S.me.full_name || S.me.user || S.me.name) + ' · ' +
    ({ staff: 'Cán bộ', manager: 'Quản lý', admin: 'Quản trị' }[S.me.role] || S.me.role);
  init();
  OS.live(reload, ok => { S.live = ok; $('conn').className = 'banner ' + (ok ? 'on' : 'off'); $('app').classList.toggle('stale', !ok); }, onEvent);
  await reload();
})();
