/* report.js - the printable report: one A4 page per day or per month of the
   range, each with the figures, the charts (SVG from the server) and the
   per-queue table; print it, or save it as PDF, from the browser. */
'use strict';

const $ = id => document.getElementById(id);
const MAX_PAGES = 62;

function pad(n) { return String(n).padStart(2, '0'); }
function ymd(d) { return d.getUTCFullYear() + '-' + pad(d.getUTCMonth() + 1) + '-' + pad(d.getUTCDate()); }

/* [from, to] pairs, one per page. */
function periods(from, to, per) {
  const out = [];
  let d = new Date(from + 'T00:00:00Z');
  const end = new Date(to + 'T00:00:00Z');
  while (d <= end && out.length < MAX_PAGES) {
    if (per === 'month') {
      const last = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 0));
      out.push([ymd(d), ymd(last < end ? last : end)]);
      d = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1));
    } else {
      out.push([ymd(d), ymd(d)]);
      d = new Date(d.getTime() + 86400000);
    }
  }
  return out;
}

function row(label, g) {
  return '<tr><td>' + OS.esc(label) + '</td><td class="n">' + g.issued + '</td><td class="n">' + g.served +
    '</td><td class="n">' + g.no_show + '</td><td class="n">' + g.cancelled + '</td><td class="n">' +
    OS.dur(g.wait.mean_s) + '</td><td class="n">' + OS.dur(g.wait.median_s) + '</td><td class="n">' +
    OS.dur(g.wait.p90_s) + '</td><td class="n">' + OS.dur(g.wait.max_s) + '</td><td class="n">' +
    OS.dur(g.service.mean_s) + '</td><td class="n">' + OS.dur(g.service.p90_s) + '</td><td class="n">' +
    OS.pct(g.service_level.pct) + '</td><td class="n">' + OS.pct(g.rating.satisfied_pct) + '</td></tr>';
}

const HEAD = '<tr><th></th><th class="n">Cấp số</th><th class="n">Phục vụ</th><th class="n">Vắng</th>' +
  '<th class="n">Hủy</th><th class="n">Chờ TB</th><th class="n">Trung vị</th><th class="n">P90</th>' +
  '<th class="n">Lâu nhất</th><th class="n">Phục vụ TB</th><th class="n">Phục vụ P90</th>' +
  '<th class="n">Đạt chuẩn</th><th class="n">Hài lòng</th></tr>';

async function page(p, centre) {
  const q = 'from=' + p[0] + '&to=' + p[1];
  const r = await OS.api('GET', '/api/v1/stats/report?' + q + '&by=queue,hour,department');
  const title = p[0] === p[1] ? 'Ngày ' + p[0].split('-').reverse().join('/') :
    'Từ ' + p[0].split('-').reverse().join('/') + ' đến ' + p[1].split('-').reverse().join('/');
  const img = (by, metric) => '<div class="chart"><img alt="" src="/api/v1/stats/report?' + q +
    '&by=' + by + '&format=svg&metric=' + metric + '"></div>';
  return '<section class="report-page"><h2>Báo cáo tình hình tiếp nhận — ' + OS.esc(title) + '</h2>' +
    '<div class="sub">' + OS.esc(centre) + ' · lập lúc ' + new Date().toLocaleString('vi-VN') + '</div>' +
    '<table><thead>' + HEAD + '</thead><tbody>' + row('Tổng cộng', r.total) +
    (r.by.department || []).map(g => row(g.label, g)).join('') + '</tbody></table>' +
    img('hour', 'issued') + img('queue', 'wait_p90') +
    '<table><thead>' + HEAD.replace('<th></th>', '<th>Hàng đợi</th>') + '</thead><tbody>' +
    (r.by.queue || []).map(g => row(g.label, g)).join('') + '</tbody></table>' +
    '<p class="defs">' + Object.values(r.definitions || {}).map(OS.esc).join(' ') + '</p></section>';
}

async function build(ev) {
  if (ev) ev.preventDefault();
  $('msg').textContent = '';
  const from = $('from').value, to = $('to').value, per = $('per').value;
  if (!from || !to || from > to) { $('msg').textContent = 'Khoảng ngày không hợp lệ.'; return; }
  let centre = '';
  try { const s = await OS.api('GET', '/api/v1/state'); centre = s.centre && (s.centre.name || s.centre) || ''; } catch (e) { /* none */ }
  const ps = periods(from, to, per), html = [];
  try {
    for (const p of ps) html.push(await page(p, centre));
  } catch (e) {
    $('msg').textContent = e.message;
    return;
  }
  $('pages').innerHTML = html.join('');
  history.replaceState(null, '', '/report?from=' + from + '&to=' + to + '&per=' + per);
  document.body.dataset.ready = '1';
}

(async function main() {
  await OS.me(['manager', 'admin']);
  let today = OS.today();
  try { today = (await OS.api('GET', '/api/v1/state')).day || today; } catch (e) { /* the browser's */ }
  const p = new URLSearchParams(location.search);
  $('from').value = p.get('from') || today;
  $('to').value = p.get('to') || $('from').value;
  $('per').value = p.get('per') === 'month' ? 'month' : 'day';
  $('f').addEventListener('submit', build);
  $('print').addEventListener('click', () => window.print());
  await build();
})();
