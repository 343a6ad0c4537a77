/* report.js - the printable report: one document for the range that a
   centre files.  The administrative header (the centre, the national motto,
   place and date), the summary of the whole range first, then the
   breakdowns (booked visitors' and walk-ins' waits and the bookings'
   no-shows in the summary; by day or month, with the days without visitors folded into
   one line; by department; by queue), two charts (SVG from the server),
   the definitions and the signature block.  Print it, or save it as PDF,
   from the browser. */
'use strict';

const $ = id => document.getElementById(id);
const T = OS.T;
const MAX_MONTHS = 124;
const WEEKDAY = ['Chủ nhật', 'Thứ Hai', 'Thứ Ba', 'Thứ Tư', 'Thứ Năm', 'Thứ Sáu', 'Thứ Bảy'];

function pad(n) { return String(n).padStart(2, '0'); }
function ymd(d) { return d.getUTCFullYear() + '-' + pad(d.getUTCMonth() + 1) + '-' + pad(d.getUTCDate()); }
function utc(s) { return new Date(s + 'T00:00:00Z'); }

/* Every day of the range. */
function daysOf(from, to) {
  const out = [];
  for (let d = utc(from), end = utc(to); d <= end; d = new Date(d.getTime() + 86400000)) out.push(ymd(d));
  return out;
}

/* [from, to] of each month of the range. */
function monthsOf(from, to) {
  const out = [];
  let d = utc(from);
  const end = utc(to);
  while (d <= end && out.length < MAX_MONTHS) {
    const last = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 0));
    out.push([ymd(d), ymd(last < end ? last : end)]);
    d = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1));
  }
  return out;
}

/* The place of the dateline: the last part of the address without "tỉnh",
   "thành phố" ("…, tỉnh Tiền Giang" -> "Tiền Giang"); and the body above the centre. */
function placeOf(address) {
  const last = (address || '').split(',').pop().trim();
  const m = last.match(/^(tỉnh|thành phố|tp\.?)\s+(.+)$/i);
  return { place: m ? m[2] : last, above: m ? 'ỦY BAN NHÂN DÂN ' + (/^t[ỉi]nh$/i.test(m[1]) ? 'TỈNH ' : 'THÀNH PHỐ ') + m[2].toUpperCase() : '' };
}

function dateline(place, d) {
  return (place ? OS.esc(place) + ', ' : '') + 'ngày ' + pad(d.getDate()) + ' tháng ' + pad(d.getMonth() + 1) + ' năm ' + d.getFullYear();
}

const HEAD = '<tr><th></th><th class="n">Cấp số</th><th class="n">Phục vụ</th><th class="n">Vắng mặt</th>' +
  '<th class="n">Tỷ lệ vắng mặt</th><th class="n">' + T.wait_mean + '</th><th class="n">' + T.wait_median +
  '</th><th class="n">' + T.wait_p90 + '</th><th class="n">' + T.wait_max + '</th><th class="n">' + T.svc_mean +
  '</th><th class="n">' + T.svc_p90 + '</th><th class="n">' + T.service_level + '</th><th class="n">' + T.satisfied + '</th></tr>';

function row(label, g, cls) {
  return '<tr' + (cls ? ' class="' + cls + '"' : '') + '><td>' + OS.esc(label) + '</td><td class="n">' + OS.num(g.issued) +
    '</td><td class="n">' + OS.num(g.served) + '</td><td class="n">' + OS.num(g.no_show) + '</td><td class="n">' +
    OS.pct(g.no_show_pct) + '</td><td class="n">' + OS.dur(g.wait.mean_s) + '</td><td class="n">' +
    OS.dur(g.wait.median_s) + '</td><td class="n">' + OS.dur(g.wait.p90_s) + '</td><td class="n">' +
    OS.dur(g.wait.max_s) + '</td><td class="n">' + OS.dur(g.service.mean_s) + '</td><td class="n">' +
    OS.dur(g.service.p90_s) + '</td><td class="n">' + OS.pct(g.service_level.pct) + '</td><td class="n">' +
    OS.pct(g.rating.satisfied_pct) + '</td></tr>';
}

function table(id, first, rows, total) {
  return '<table id="' + id + '"><thead>' + HEAD.replace('<th></th>', '<th>' + OS.esc(first) + '</th>') +
    '</thead><tbody>' + rows.join('') + '</tbody>' + (total ? '<tfoot>' + row('Tổng cộng', total, 'total') + '</tfoot>' : '') +
    '</table>';
}

/* A numbered part: its heading stays on the page of its table. */
function block(title, body, small) {
  return '<div class="block' + (small ? ' small-block' : '') + '"><h3>' + OS.esc(title) + '</h3>' + body + '</div>';
}

/* No visitor that day (or month): nothing issued and nothing served. */
function empty(g) { return !g || (g.issued === 0 && g.served === 0 && g.transferred_in === 0); }

/* The summary of the whole range, as sentences a person reads aloud. */
/* The centre's name in capitals for the header, broken before "tỉnh" /
   "thành phố" when it is long, as official headers are set (never inside
   the place's name). */
function centreLines(name) {
  const up = OS.esc(name).toUpperCase();
  const m = up.match(/^(.{12,}?) ((?:TỈNH|THÀNH PHỐ|HUYỆN|QUẬN|THỊ XÃ) .+)$/);
  return m && up.length > 34 ? m[1] + '<br>' + m[2] : up;
}

/* Booked visitors' and walk-ins' waits (the booked from their slot). */
function waitsOf(g) {
  return OS.num(g.wait.n) + ' lượt chờ: trung vị ' + OS.durText(g.wait.median_s) + '; P90 ' +
    OS.durText(g.wait.p90_s) + '; lâu nhất ' + OS.durText(g.wait.max_s);
}

function summary(r, ndays, nopen, bk) {
  const t = r.total, c = t.rating.counts, ua = r.unattached_ratings || { n: 0 };
  const bw = r.booked_vs_walk_in, bt = bk && bk.total;
  const li = (id, k, v) => '<tr id="' + id + '"><th>' + OS.esc(k) + '</th><td>' + v + '</td></tr>';
  return '<table class="summary"><tbody>' +
    li('sum-days', 'Số ngày trong kỳ', OS.num(ndays) + ' ngày, trong đó ' + OS.num(nopen) + ' ngày có khách') +
    li('sum-issued', T.issued, OS.num(t.issued) + ' vé' + (t.transferred_in ? ' (và ' + OS.num(t.transferred_in) + ' lượt chuyển đến)' : '')) +
    li('sum-served', T.served, OS.num(t.served) + ' lượt') +
    li('sum-noshow', 'Vắng mặt khi được gọi', OS.num(t.no_show) + ' vé, tỷ lệ vắng mặt ' + OS.pct(t.no_show_pct)) +
    li('sum-cancelled', 'Đã hủy / chuyển đi', OS.num(t.cancelled) + ' / ' + OS.num(t.transferred_out)) +
    li('sum-wait', 'Thời gian chờ', 'trung bình ' + OS.durText(t.wait.mean_s) + '; trung vị ' + OS.durText(t.wait.median_s) +
      '; P90 ' + OS.durText(t.wait.p90_s) + '; lâu nhất ' + OS.durText(t.wait.max_s)) +
    (bw ? li('sum-booked', 'Chờ của khách có lịch hẹn (tính từ giờ hẹn)', OS.num(bw.booked.issued) + ' vé; ' +
      waitsOf(bw.booked)) + li('sum-walkin', 'Chờ của khách không hẹn trước', OS.num(bw.walk_in.issued) + ' vé; ' +
      waitsOf(bw.walk_in)) : '') +
    (bt ? li('sum-bookings', 'Lịch hẹn trong kỳ', 'đặt ' + OS.num(bt.booked) + ', đã đến ' + OS.num(bt.checked_in) +
      ', vắng (không đến) ' + OS.num(bt.no_show) + ', đã hủy ' + OS.num(bt.cancelled)) : '') +
    li('sum-service', 'Thời gian phục vụ', 'trung bình ' + OS.durText(t.service.mean_s) + '; P90 ' + OS.durText(t.service.p90_s)) +
    li('sum-sl', 'Đạt chuẩn thời gian chờ', OS.pct(t.service_level.pct) + ' (' + OS.num(t.service_level.within) + ' / ' +
      OS.num(t.service_level.n) + ' lượt phục vụ)') +
    li('sum-rating', 'Đánh giá gắn với vé', OS.num(t.rating.n) + ' lượt: rất hài lòng ' + OS.num(c[0]) + ', hài lòng ' +
      OS.num(c[1]) + ', bình thường ' + OS.num(c[2]) + ', không hài lòng ' + OS.num(c[3]) + '; hài lòng ' +
      OS.pct(t.rating.satisfied_pct)) +
    li('sum-unattached', T.unattached, OS.num(ua.n) + ' lượt' + (ua.n ? ' (' + ua.counts.map(v => OS.num(v)).join(' / ') +
      ' theo mức 1/2/3/4; không tính vào tỷ lệ hài lòng)' : '')) +
    '</tbody></table>';
}

async function build(ev) {
  if (ev) ev.preventDefault();
  $('msg').textContent = '';
  const from = $('from').value, to = $('to').value;
  if (!from || !to || from > to) { $('msg').textContent = 'Khoảng ngày không hợp lệ.'; return; }
  const days = daysOf(from, to);
  const per = $('per').value === 'month' || ($('per').value === 'auto' && days.length > 62) ? 'month' : 'day';
  const q = 'from=' + from + '&to=' + to;
  let r, bk = null, periods = [];
  const byDay = {};
  try {
    r = await OS.api('GET', '/api/v1/stats/report?' + q + '&by=day,department,queue');
    bk = await OS.api('GET', '/api/v1/stats/bookings?' + q);
    (r.by.day || []).forEach(g => { byDay[g.key] = g; });
    if (per === 'day') {
      periods = days.map(d => ({ key: d, label: WEEKDAY[utc(d).getUTCDay()] + ' ' + OS.dmy(d), short: OS.dmy(d).slice(0, 5), g: byDay[d] }));
    } else {
      for (const m of monthsOf(from, to)) {
        const x = await OS.api('GET', '/api/v1/stats/report?from=' + m[0] + '&to=' + m[1]);
        const label = 'Tháng ' + m[0].slice(5, 7) + '/' + m[0].slice(0, 4);
        periods.push({ key: m[0], label, short: label, g: x.total });
      }
    }
  } catch (e) {
    $('msg').textContent = e.message;
    return;
  }
  const open = periods.filter(p => !empty(p.g)), shut = periods.filter(p => empty(p.g));
  const centre = r.centre || {}, pl = placeOf(centre.address);
  const period = from === to ? 'Ngày ' + OS.dmy(from) : 'Từ ngày ' + OS.dmy(from) + ' đến ngày ' + OS.dmy(to);
  const img = (by, metric) => '<div class="chart"><img alt="" src="/api/v1/stats/report?' + q +
    '&by=' + by + '&format=svg&metric=' + metric + '"></div>';
  const perRows = open.map(p => row(p.label, p.g));
  if (shut.length)
    perRows.push('<tr class="folded" id="folded"><td colspan="13">Không có khách (' + shut.length + ' ' +
      (per === 'day' ? 'ngày' : 'tháng') + '): ' + OS.esc(shut.map(p => p.short).join(', ')) + '</td></tr>');
  $('pages').innerHTML = '<section class="report-page">' +
    '<table class="admhead"><tr><td class="l">' + (pl.above ? '<div>' + OS.esc(pl.above) + '</div>' : '') +
    '<div class="b">' + centreLines(centre.name || '') + '</div><hr></td>' +
    '<td class="r"><div class="b">CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM</div><div class="b u">Độc lập - Tự do - Hạnh phúc</div>' +
    '<div class="i dateline" id="dateline">' + dateline(pl.place, new Date()) + '</div></td></tr></table>' +
    '<h1 class="doc-title">BÁO CÁO THỐNG KÊ</h1><div class="doc-sub">Tình hình tiếp nhận và phục vụ người đến giao dịch<br>' +
    OS.esc(period) + '</div>' +
    block('I. Tổng hợp cả kỳ', summary(r, days.length, days.filter(d => !empty(byDay[d])).length, bk), true) +
    block('II. Theo ' + (per === 'day' ? 'ngày' : 'tháng'), table('t-period', per === 'day' ? 'Ngày' : 'Tháng', perRows, r.total), perRows.length < 12) +
    block('III. Theo sở, ngành', table('t-dept', 'Sở, ngành', (r.by.department || []).map(g => row(g.label, g)), r.total)) +
    block('IV. Theo hàng đợi', table('t-queue', 'Hàng đợi', (r.by.queue || []).map(g => row(g.label, g)), r.total)) +
    '<div class="charts">' + (open.length > 1 ? img('day', 'issued') : img('hour', 'issued')) + img('queue', 'wait_p90') + '</div>' +
    '<p class="defs"><b>Ghi chú.</b> ' + OS.esc(T.dur_unit) + ' “—”: không có gì để tính. ' +
    Object.values(r.definitions || {}).map(OS.esc).join(' ') + '</p>' +
    '<table class="signs"><tr><td><div class="b">NGƯỜI LẬP BIỂU</div><div class="i">(Ký, ghi rõ họ tên)</div>' +
    '<div class="name">' + OS.esc($('pages').dataset.me || '') + '</div></td>' +
    '<td><div class="b">THỦ TRƯỞNG ĐƠN VỊ</div><div class="i">(Ký, ghi rõ họ tên, đóng dấu)</div><div class="name"></div></td></tr></table>' +
    '</section>';
  history.replaceState(null, '', '/report?from=' + from + '&to=' + to + '&per=' + $('per').value);
  document.body.dataset.ready = '1';
}

(async function main() {
  const me = await OS.me(['manager', 'admin']);
  $('pages').dataset.me = me.full_name || me.user || me.name || '';
  let today = OS.today();
  try { today = (await OS.api('GET', '/api/v1/state')).day || today; } catch (e) { /* the browser's */ }
  const p = new URLSearchParams(location.search);
  $('from').value = p.get('from') || today;
  $('to').value = p.get('to') || $('from').value;
  $('per').value = ['day', 'month'].indexOf(p.get('per')) >= 0 ? p.get('per') : 'auto';
  $('f').addEventListener('submit', build);
  $('print').addEventListener('click', () => window.print());
  await build();
})();
