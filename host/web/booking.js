/* booking.js - the public booking page /dat-lich (host/docs/web.md): find a
   procedure as at the kiosk (GET /api/v1/procedures?q=), pick a day and a
   slot with places left (GET /api/v1/public/slots), give a name and a
   mobile number, get a booking code and its QR code; or take a number for
   today (POST /api/v1/public/remote-tickets) and follow it on /t/CODE; look
   up, cancel or move a booking by its code.  No login.  The server decides
   everything and says why in Vietnamese; the page shows its message. */
'use strict';

(function () {
  const $ = id => document.getElementById(id);
  const WD = ['Chủ nhật', 'Thứ Hai', 'Thứ Ba', 'Thứ Tư', 'Thứ Năm', 'Thứ Sáu', 'Thứ Bảy'];
  let proc = null;          /* {code, name, queue_name} */
  let slots = null;         /* the answer of /public/slots */
  let day = null, time = null;
  let moving = null;        /* the booking being moved, or null */
  let searchSeq = 0;

  function dmy(d) { return d.slice(8, 10) + '/' + d.slice(5, 7) + '/' + d.slice(0, 4); }
  function dayName(d) {
    const t = new Date(Date.UTC(+d.slice(0, 4), +d.slice(5, 7) - 1, +d.slice(8, 10)));
    return WD[t.getUTCDay()];
  }
  function say(text) {
    const m = $('msg');
    m.textContent = text || '';
    m.hidden = !text;
    if (text) m.scrollIntoView({ block: 'nearest' });
  }
  /* The same rule as the server's (booking_phone_normalize): a hint before
     sending; the server's answer is what counts. */
  function phoneOk(p) {
    const d = p.replace(/[ .-]/g, '');
    return /^(0|\+?84)[35789][0-9]{8}$/.test(d);
  }

  async function search() {
    const q = $('q').value.trim(), seq = ++searchSeq, ul = $('hits');
    if (q.length < 2) { ul.innerHTML = ''; return; }
    let r;
    try { r = await OS.api('GET', '/api/v1/procedures?limit=8&q=' + encodeURIComponent(q)); }
    catch (e) { say(e.message); return; }
    if (seq !== searchSeq) return;
    ul.innerHTML = r.procedures.length ? '' :
      '<li class="hint">Không tìm thấy thủ tục phù hợp; hãy thử từ khác.</li>';
    r.procedures.forEach(p => {
      const li = document.createElement('li');
      li.innerHTML = '<button type="button">' + OS.esc(p.name) + '<small>' +
        OS.esc(p.department_name) + '</small></button>';
      li.firstChild.addEventListener('click', () => choose(p));
      ul.appendChild(li);
    });
  }

  async function loadSlots(query) {
    try { slots = await OS.api('GET', '/api/v1/public/slots?' + query); }
    catch (e) { say(e.message); return false; }
    return true;
  }

  async function choose(p) {
    proc = p; day = time = null; moving = null;
    say('');
    $('hits').innerHTML = '';
    $('chosen').hidden = false;
    $('chosen').textContent = 'Thủ tục: ' + p.name;
    $('s-done').hidden = true;
    if (!await loadSlots('procedure=' + encodeURIComponent(p.code))) return;
    showWhen();
  }

  function showWhen() {
    $('s-when').hidden = false;
    $('s-who').hidden = true;
    $('remote').hidden = !slots.remote || !!moving;
    $('nobook').hidden = slots.bookable && slots.days.length > 0;
    if (!slots.bookable) $('nobook').textContent = 'Thủ tục này không nhận đặt lịch hẹn.';
    else $('nobook').textContent = 'Hiện không còn ngày nào nhận đặt lịch.';
    const dd = $('days');
    dd.innerHTML = '';
    slots.days.forEach(d => {
      const b = document.createElement('button');
      const left = d.slots.reduce((n, s) => n + s.left, 0);
      b.type = 'button';
      b.textContent = dayName(d.day) + ', ' + dmy(d.day);
      b.setAttribute('aria-pressed', d.day === day ? 'true' : 'false');
      b.disabled = left === 0;
      b.addEventListener('click', () => { day = d.day; time = null; showWhen(); });
      dd.appendChild(b);
    });
    const sd = $('slots');
    sd.innerHTML = '';
    const d = slots.days.find(x => x.day === day);
    if (!d) return;
    d.slots.forEach(s => {
      const b = document.createElement('button');
      b.type = 'button';
      b.innerHTML = OS.esc(s.time) + '<small>' + (s.left > 0 ? 'còn ' + s.left + ' chỗ' : 'hết chỗ') + '</small>';
      b.disabled = s.left <= 0;
      b.setAttribute('aria-pressed', s.time === time ? 'true' : 'false');
      b.addEventListener('click', () => { time = s.time; showWhen(); pickWho(); });
      sd.appendChild(b);
    });
  }

  function pickWho() {
    if (moving) { doMove(); return; }
    $('s-who').hidden = false;
    $('summary').textContent = proc.name + ' — ' + time + ', ' + dayName(day).toLowerCase() +
      ' ' + dmy(day);
    $('name').focus();
  }

  function showBooking(b, title) {
    const el = $('s-done');
    el.hidden = false;
    el.innerHTML = '<h2>' + OS.esc(title) + '</h2>' +
      '<p class="label">Mã lịch hẹn của bạn</p><p class="code" id="bcode">' + OS.esc(b.code) + '</p>' +
      '<img alt="Mã QR của lịch hẹn ' + OS.esc(b.code) + '" src="/api/v1/public/bookings/' +
      encodeURIComponent(b.code) + '/qr.svg">' +
      '<p><b>' + OS.esc(b.procedure_name || b.queue_name) + '</b></p>' +
      '<p>Lúc <b>' + OS.esc(b.time) + '</b>, ' + OS.esc(dayName(b.day).toLowerCase()) + ' ' +
      OS.esc(dmy(b.day)) + '</p>' +
      '<p class="hint">Khi đến trung tâm, chạm "Có lịch hẹn" trên ki-ốt và nhập mã này (hoặc đưa mã QR ' +
      'vào máy quét) để lấy số ưu tiên. Hãy lưu lại mã để tra cứu, đổi hoặc huỷ lịch.</p>';
    el.scrollIntoView({ block: 'start' });
  }

  async function book() {
    const name = $('name').value.trim(), phone = $('phone').value.trim();
    if (!name) { say('Hãy nhập họ và tên.'); $('name').focus(); return; }
    if (!phoneOk(phone)) {
      say('Số điện thoại không hợp lệ: hãy nhập số di động Việt Nam, ví dụ 0912345678 hoặc +84912345678.');
      $('phone').focus();
      return;
    }
    $('b-book').disabled = true;
    try {
      const r = await OS.api('POST', '/api/v1/public/bookings',
        { procedure: proc.code, day, time, name, phone });
      say('');
      $('s-who').hidden = true;
      $('s-when').hidden = true;
      showBooking(r.booking, 'Đặt lịch thành công');
    } catch (e) {
      say(e.message);
      if (e.error === 'slot_full') { await loadSlots('procedure=' + encodeURIComponent(proc.code)); time = null; showWhen(); }
    } finally {
      $('b-book').disabled = false;
    }
  }

  async function remote() {
    $('b-remote').disabled = true;
    try {
      const r = await OS.api('POST', '/api/v1/public/remote-tickets', { procedure: proc.code });
      const el = $('s-done');
      say('');
      $('s-when').hidden = true;
      $('s-who').hidden = true;
      el.hidden = false;
      el.innerHTML = '<h2>Đã lấy số</h2><p class="label">Số thứ tự của bạn</p>' +
        '<p class="number">' + OS.esc(String(r.ticket.number).padStart(4, '0')) + '</p>' +
        '<p>Trước bạn còn ' + OS.esc(r.ticket.ahead) + ' người; thời gian chờ dự kiến khoảng ' +
        OS.esc(r.ticket.est_wait_min) + ' phút.</p>' +
        '<p><a id="follow" href="' + OS.esc(r.url) + '">Theo dõi lượt của bạn</a> (mã vé ' +
        OS.esc(r.code) + ')</p>' +
        '<p class="hint">Hãy đến trước khi được gọi; khi đến lượt, trang theo dõi sẽ báo quầy phục vụ.</p>';
      el.scrollIntoView({ block: 'start' });
    } catch (e) {
      say(e.message);
    } finally {
      $('b-remote').disabled = false;
    }
  }

  function showFound(b) {
    const f = $('found');
    const st = { booked: 'Đã đặt', cancelled: 'Đã huỷ', checked_in: 'Đã xác nhận và lấy số' }[b.state] || b.state;
    f.innerHTML = '<p><b>' + OS.esc(b.procedure_name || b.queue_name) + '</b><br>Lúc <b>' +
      OS.esc(b.time) + '</b>, ' + OS.esc(dayName(b.day).toLowerCase()) + ' ' + OS.esc(dmy(b.day)) +
      '<br>Trạng thái: <b id="fstate">' + OS.esc(st) + '</b>' +
      (b.ticket ? '<br>Số thứ tự: <a href="/t/' + OS.esc(b.ticket.code) + '">' +
        OS.esc(String(b.ticket.number).padStart(4, '0')) + '</a>' : '') + '</p>';
    if (b.state !== 'booked') return;
    const mv = document.createElement('button'), cn = document.createElement('button');
    mv.type = cn.type = 'button';
    mv.className = 'secondary';
    mv.textContent = 'Đổi ngày giờ';
    cn.textContent = 'Huỷ lịch hẹn';
    cn.className = 'secondary';
    mv.addEventListener('click', async () => {
      moving = b;
      proc = { code: b.procedure, name: b.procedure_name || b.queue_name };
      day = time = null;
      const q = b.procedure ? 'procedure=' + encodeURIComponent(b.procedure) : 'queue=' + encodeURIComponent(b.queue);
      if (!await loadSlots(q)) return;
      $('chosen').hidden = false;
      $('chosen').textContent = 'Đổi lịch hẹn ' + b.code + ': chọn ngày và giờ mới';
      showWhen();
      $('s-when').scrollIntoView({ block: 'start' });
    });
    cn.addEventListener('click', async () => {
      if (!window.confirm('Huỷ lịch hẹn ' + b.code + '?')) return;
      try {
        const r = await OS.api('POST', '/api/v1/public/bookings/' + encodeURIComponent(b.code) + '/cancel', {});
        say('');
        showFound(r.booking);
      } catch (e) { say(e.message); }
    });
    f.appendChild(mv);
    f.appendChild(document.createTextNode(' '));
    f.appendChild(cn);
  }

  async function doMove() {
    try {
      const r = await OS.api('POST', '/api/v1/public/bookings/' + encodeURIComponent(moving.code) + '/move',
        { day, time });
      moving = null;
      say('');
      $('s-when').hidden = true;
      showBooking(r.booking, 'Đã đổi lịch hẹn');
      showFound(r.booking);
    } catch (e) {
      say(e.message);
    }
  }

  async function find() {
    const code = $('code').value.trim();
    $('found').innerHTML = '';
    if (!code) { say('Hãy nhập mã lịch hẹn.'); return; }
    try {
      const r = await OS.api('GET', '/api/v1/public/bookings/' + encodeURIComponent(code));
      say('');
      showFound(r.booking);
    } catch (e) { say(e.message); }
  }

  let timer = null;
  $('q').addEventListener('input', () => { clearTimeout(timer); timer = setTimeout(search, 200); });
  $('b-book').addEventListener('click', book);
  $('b-remote').addEventListener('click', remote);
  $('b-find').addEventListener('click', find);
  $('code').addEventListener('keydown', e => { if (e.key === 'Enter') find(); });
  const m = /[?&]ma=([A-Za-z0-9-]+)/.exec(location.search);
  if (m) { $('code').value = m[1]; find(); }
})();
