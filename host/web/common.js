/* common.js - what every page shares: calls to the onestopd API (cookie
   session + CSRF header), the live event stream with reconnection, and
   small formatting helpers.  No libraries. */
'use strict';

const OS = {};

OS.cookie = function (name) {
  const m = document.cookie.split('; ').find(c => c.startsWith(name + '='));
  return m ? decodeURIComponent(m.slice(name.length + 1)) : '';
};

/* Call the API; resolves with the JSON answer, rejects with {status, error, message}. */
OS.api = async function (method, path, body) {
  const opt = { method, credentials: 'same-origin', headers: {} };
  if (method !== 'GET') {
    opt.headers['X-CSRF-Token'] = OS.cookie('onestop_csrf');
    opt.headers['Content-Type'] = 'application/json';
    opt.body = JSON.stringify(body || {});
  }
  let res;
  try {
    res = await fetch(path, opt);
  } catch (e) {
    throw { status: 0, error: 'network', message: 'Không kết nối được với máy chủ.' };
  }
  let data = null;
  try { data = await res.json(); } catch (e) { data = null; }
  if (!res.ok) {
    throw { status: res.status, error: data && data.error || 'http_' + res.status,
      message: data && data.message || 'Lỗi ' + res.status };
  }
  return data;
};

OS.esc = function (s) {
  return String(s == null ? '' : s).replace(/[&<>"']/g,
    c => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c]));
};

/* One number format everywhere a person reads it: Vietnamese, with a
   decimal comma and a dot between thousands (1.234,5).  Durations are
   "m:ss" (tables say "phút:giây" in their heading) or, in sentences and
   cards, "12 phút 30 giây"; null is "—" (nothing to measure). */
OS.num = function (v, dec) {
  if (v == null || isNaN(v)) return '—';
  return Number(v).toLocaleString('vi-VN', { minimumFractionDigits: dec || 0, maximumFractionDigits: dec || 0 });
};
/* 754 -> "12:34"; 4000 -> "1:06:40"; null -> "—". Rounded, never cut. */
OS.dur = function (s) {
  if (s == null || isNaN(s)) return '—';
  s = Math.max(0, Math.round(s));
  const h = Math.floor(s / 3600), m = Math.floor(s % 3600 / 60), x = s % 60;
  const p = n => String(n).padStart(2, '0');
  return h > 0 ? h + ':' + p(m) + ':' + p(x) : m + ':' + p(x);
};
/* 754 -> "12 phút 34 giây"; 4000 -> "1 giờ 6 phút 40 giây"; 45 -> "45 giây". */
OS.durText = function (s) {
  if (s == null || isNaN(s)) return '—';
  s = Math.max(0, Math.round(s));
  const h = Math.floor(s / 3600), m = Math.floor(s % 3600 / 60), x = s % 60, out = [];
  if (h) out.push(h + ' giờ');
  if (m || h) out.push(m + ' phút');
  if (x || !out.length) out.push(x + ' giây');
  return out.join(' ');
};
OS.min = function (s) { return s == null ? '—' : OS.num(s / 60, 1) + ' phút'; };
/* A percentage as the server gives it (one decimal): 4.6 -> "4,6 %". */
OS.pct = function (v) { return v == null || isNaN(v) ? '—' : OS.num(v, v === Math.round(v) ? 0 : 1) + ' %'; };
/* "2026-03-04" -> "04/03/2026". */
OS.dmy = function (d) { return d ? d.split('-').reverse().join('/') : ''; };
/* Words shared by the pages, the printed report and onestopctl. */
OS.T = {
  issued: 'Đã cấp số', served: 'Đã phục vụ', no_show: 'Vắng mặt', cancelled: 'Đã hủy',
  transferred_in: 'Chuyển đến', no_show_pct: 'Tỷ lệ vắng mặt',
  wait_mean: 'Chờ TB', wait_median: 'Chờ trung vị', wait_p90: 'Chờ P90', wait_max: 'Chờ lâu nhất',
  svc_mean: 'Phục vụ TB', svc_median: 'Phục vụ trung vị', svc_p90: 'Phục vụ P90', svc_max: 'Phục vụ lâu nhất',
  service_level: 'Đạt chuẩn', satisfied: 'Hài lòng', ratings: 'Đánh giá (1/2/3/4)',
  unattached: 'Đánh giá không gắn với vé', dur_unit: 'Thời gian ghi dạng phút:giây.'
};
OS.now = function () { return Math.floor(Date.now() / 1000); };
OS.today = function () {
  const d = new Date(), p = n => String(n).padStart(2, '0');
  return d.getFullYear() + '-' + p(d.getMonth() + 1) + '-' + p(d.getDate());
};

/* Who is logged in; sends people without a session to the login page. */
OS.me = async function (roles) {
  let me;
  try {
    me = await OS.api('GET', '/api/v1/me');
  } catch (e) {
    if (e.status === 401) {
      location.href = '/?next=' + encodeURIComponent(location.pathname + location.search);
      return new Promise(() => {});
    }
    throw e;
  }
  if (roles && roles.indexOf(me.role) < 0) {
    document.body.innerHTML = '<main><div class="panel" id="denied"><h2>Không có quyền truy cập</h2>' +
      '<p>Tài khoản <b>' + OS.esc(me.user || me.name) + '</b> không được mở trang này.</p>' +
      '<p><a href="/">Về trang đăng nhập</a></p></div></main>';
    return new Promise(() => {});
  }
  return me;
};

OS.logout = async function () {
  try { await OS.api('POST', '/api/v1/logout'); } catch (e) { /* gone already */ }
  location.href = '/';
};

/*
 * The event stream.  onChange() is called (debounced) after every event and
 * after every (re)connection, so the page reloads the full state then and
 * never shows anything stale; onStatus(true/false) tells whether it is live.
 * EventSource retries by itself after a dropped connection; when the server
 * answered with an error it gives up, so we start a new one.  onEvent(ev),
 * when given, gets each event of the stream parsed (host/docs/api.md,
 * Event), for a page to say what happened elsewhere (a keypad, another desk).
 */
OS.live = function (onChange, onStatus, onEvent) {
  let es = null, timer = null, retry = null, lastId = 0;
  const kick = () => { clearTimeout(timer); timer = setTimeout(onChange, 80); };
  function connect() {
    es = new EventSource('/api/v1/events' + (lastId ? '?last_event_id=' + lastId : ''));
    es.onopen = () => { onStatus(true); kick(); };
    es.onmessage = ev => { if (ev.lastEventId) lastId = +ev.lastEventId; kick(); };
    ['issued', 'called', 'recalled', 'started', 'finished', 'no_show', 'transferred', 'parked',
      'unparked', 'counter_opened', 'counter_paused', 'counter_closed', 'rated', 'cancelled',
      'day_closed'].forEach(t => es.addEventListener(t, ev => {
      if (ev.lastEventId) lastId = +ev.lastEventId;
      if (onEvent) {
        let e = null;
        try { e = JSON.parse(ev.data); } catch (err) { /* not ours to say */ }
        if (e) onEvent(e);
      }
      kick();
    }));
    es.onerror = () => {
      onStatus(false);
      if (es.readyState === EventSource.CLOSED) {
        clearTimeout(retry);
        retry = setTimeout(connect, 1500);
      }
    };
  }
  connect();
  return { refresh: kick };
};
