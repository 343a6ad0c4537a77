/* ticket.js - keeps the visitor's status page /t/CODE live without reloads.
   The ticket's own event stream (GET /api/v1/public/tickets/CODE/events)
   says when something changed; the page then fetches itself again and
   swaps its content, so there is one renderer, the server's, and the page
   reads the same with or without this script.  When the stream cannot be
   had (refused past the server's cap, cut by a proxy) it polls the public
   JSON, backing off on errors.  When the ticket is called (or called again)
   the phone vibrates where it may.  No libraries. */
'use strict';

(function () {
  const FINAL = ['done', 'no_show', 'cancelled', 'gone'];
  const first = document.getElementById('ticket');
  if (!first || !first.dataset.code) return;
  const code = first.dataset.code;
  const page = '/t/' + encodeURIComponent(code);
  const json = '/api/v1/public/tickets/' + encodeURIComponent(code);
  let es = null, asked = 0, shown = 0, pollMs = 0, pollTimer = 0, polls = 0, lastJson = '';
  let calledAt = first.dataset.state === 'called' ? first.dataset.called : '';
  let liveText = '', liveBad = false;

  const now = () => new Date().toLocaleTimeString('vi-VN', { hour: '2-digit', minute: '2-digit' });
  const state = () => document.getElementById('ticket').dataset.state;
  const over = () => FINAL.includes(state());

  function live(text, bad) {
    liveText = text;
    liveBad = !!bad;
    const el = document.getElementById('live');
    if (el && !over()) {
      el.textContent = text;
      el.classList.toggle('bad', liveBad);
    }
  }

  /* The page again from the server, swapped in; older answers are dropped. */
  async function reload() {
    const my = ++asked;
    const res = await fetch(page, { cache: 'no-store' });
    const doc = new DOMParser().parseFromString(await res.text(), 'text/html');
    const next = doc.getElementById('ticket');
    if (my < shown || !next) return;
    shown = my;
    document.getElementById('ticket').replaceWith(document.adoptNode(next));
    document.title = doc.title;
    if (liveText) live(liveText, liveBad);
    if (next.dataset.state === 'called' && next.dataset.called !== calledAt) {
      calledAt = next.dataset.called;
      if (navigator.vibrate) {
        try { navigator.vibrate([500, 200, 500, 200, 500]); } catch (e) { /* not allowed */ }
      }
    }
    if (over()) stop();
  }

  function stop() {
    if (es) es.close();
    es = null;
    clearTimeout(pollTimer);
    pollTimer = 0;
  }

  function connect() {
    if (es || over()) return;
    es = new EventSource(json + '/events');
    es.onopen = () => live('Đang theo dõi trực tiếp · ' + now());
    es.addEventListener('ticket', ev => {
      let t = null;
      try { t = JSON.parse(ev.data); } catch (e) { t = null; }
      if (t && FINAL.includes(t.state) && es) { es.close(); es = null; }
      live('Đang theo dõi trực tiếp · cập nhật lúc ' + now());
      reload().catch(() => live('Mất kết nối, đang thử lại…', true));
    });
    es.addEventListener('gone', () => { stop(); reload().catch(() => {}); });
    es.onerror = () => {
      if (es && es.readyState === EventSource.CLOSED) {
        /* refused (busy, not found): poll instead */
        es = null;
        live('Tự cập nhật mỗi 10 giây.');
        poll(10000);
      } else {
        live('Mất kết nối, đang thử kết nối lại…', true);
      }
    };
  }

  /* Poll the public JSON; reload the page when it changed.  Errors back
     off from 10 s to 2 minutes; every few polls the stream is tried again. */
  function poll(ms) {
    pollMs = ms;
    clearTimeout(pollTimer);
    pollTimer = setTimeout(async () => {
      pollTimer = 0;
      try {
        const res = await fetch(json, { cache: 'no-store' });
        const text = await res.text();
        if (res.status === 404 || (res.ok && text !== lastJson)) {
          lastJson = text;
          await reload();
        }
        if (!res.ok && res.status !== 404) throw new Error(String(res.status));
        live('Tự cập nhật mỗi ' + Math.round(pollMs / 1000) + ' giây · ' + now());
        pollMs = 10000;
      } catch (e) {
        pollMs = Math.min(pollMs * 2, 120000);
        live('Mất kết nối, đang thử lại…', true);
      }
      if (over()) return stop();
      if (++polls % 6 === 0) return connect();
      poll(pollMs);
    }, pollMs);
  }

  /* A phone back from sleep or back online: catch up at once. */
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState !== 'visible' || over()) return;
    reload().catch(() => {});
    if (!es && !pollTimer) connect();
  });
  window.addEventListener('online', () => { if (!over()) reload().catch(() => {}); });

  if (!over()) connect();
}());
