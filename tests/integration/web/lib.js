// lib.js - what the browser tests share, one copy of each: the test's own
// temp folder with its private demo centre (centre.js), users added with
// onestopd --add-user, the real onestopd started on a port (0 = any) and
// waited for by its "listening" line (never a sleep), stopped by its own
// child handle; JSON calls to the API; the checks counted; Debian's chromium
// launched through playwright-core; and the end of a run: browser closed,
// daemon stopped, the folder removed (kept when a check failed), the count
// printed, the exit status 1 on any failure.
//
//   const T = require('./lib.js').webTest('admin', { copyCatalogue: true });
//   ... T.check(cond, what); await T.start(0); await T.api('GET', '/api/v1/state');
//   T.run(main);
'use strict';
const { chromium } = require(process.env.PLAYWRIGHT_CORE || 'playwright-core');
const { spawn, execFileSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { privateCentre } = require('./centre.js');

const B = process.env.B || 'build';
const ROOT = path.resolve(__dirname, '../../..');
const D = process.env.ONESTOPD || path.join(ROOT, B, 'onestopd');
const SHOTS = path.join(ROOT, B, 'web-shots');

/* One browser test named name (its folder onestop-NAME-*, its count line
   "NAME: P passed, F failed"); opts go to privateCentre. */
function webTest(name, opts) {
  const TMP = fs.mkdtempSync(path.join(os.tmpdir(), 'onestop-' + name + '-'));
  const CFG = privateCentre(ROOT, TMP, opts);
  const DB = path.join(TMP, 'db');
  let daemon = null, base = '', pass = 0, fail = 0, browser = null;

  function check(cond, what) {
    if (cond) { pass++; console.log('ok   ' + what); } else { fail++; console.log('FAIL ' + what); }
  }

  /* onestopd --add-user with the password on its standard input. */
  function addUser(user, pw, role, counters, fullName) {
    const args = ['-c', CFG, '-d', DB, '--add-user', user, '--role', role];
    if (counters) args.push('--counters', counters);
    if (fullName) args.push('--full-name', fullName);
    execFileSync(D, args, { input: pw + '\n', stdio: ['pipe', 'ignore', 'inherit'] });
  }

  /* Start onestopd on port p (0 = any; env: extra environment); resolves
     with the port once it printed its listening line. */
  function start(p, env) {
    return new Promise((resolve, reject) => {
      daemon = spawn(D, ['-c', CFG, '-d', DB, '-p', String(p || 0), '-w', path.join(ROOT, 'host/web')],
        { stdio: ['ignore', 'ignore', 'pipe'], env: env ? Object.assign({}, process.env, env) : process.env });
      let buf = '';
      daemon.stderr.on('data', d => {
        buf += d;
        const m = buf.match(/listening on http:\/\/[0-9.]+:([0-9]+)/);
        if (m) {
          base = 'http://127.0.0.1:' + m[1];
          resolve(+m[1]);
        }
      });
      daemon.on('exit', code => reject(new Error('onestopd exited ' + code + ': ' + buf)));
    });
  }

  /* SIGTERM the daemon start started; resolves once it exited. */
  function stop() {
    return new Promise(resolve => {
      if (!daemon || daemon.exitCode !== null) return resolve();
      daemon.removeAllListeners('exit');
      daemon.on('exit', () => resolve());
      daemon.kill('SIGTERM');
    });
  }

  /* One call with a JSON body (and a bearer token); { status, body } with
     body null when the answer is not JSON. */
  async function api(method, p, body, token) {
    const h = { 'Content-Type': 'application/json' };
    if (token) h.Authorization = 'Bearer ' + token;
    const r = await fetch(base + p, { method, headers: h, body: body ? JSON.stringify(body) : undefined });
    let j = null;
    try { j = await r.json(); } catch (e) { j = null; }
    return { status: r.status, body: j };
  }

  /* Log in on the login page (/) as user with pw (the page then goes on
     to the user's own page). */
  async function login(page, user, pw) {
    await page.goto(base + '/');
    await page.fill('#user', user);
    await page.fill('#password', pw);
    await page.click('#go');
  }

  /* Headless Debian chromium (never a browser playwright downloads). */
  async function launch() {
    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
        '--disable-sync', '--no-first-run'] });
    return browser;
  }

  /* Run main (async); an exception counts as a failure; then the end. */
  function run(main) {
    fs.mkdirSync(SHOTS, { recursive: true });
    main().catch(e => { fail++; console.log('FAIL ' + (e && e.stack || e)); }).finally(async () => {
      if (browser) await browser.close().catch(() => {});
      await stop();
      if (fail === 0) fs.rmSync(TMP, { recursive: true, force: true });
      else console.log('kept ' + TMP);
      console.log(name + ': ' + pass + ' passed, ' + fail + ' failed');
      process.exit(fail === 0 ? 0 : 1);
    });
  }

  return { B, ROOT, D, SHOTS, TMP, CFG, DB, check, addUser, start, stop, api, login, launch, run };
}

/* The text of sel on page, white space folded. */
const text = (page, sel) => page.$eval(sel, e => e.textContent.replace(/\s+/g, ' ').trim());
/* Whether page fits its width (no horizontal scrolling). */
const noHScroll = page => page.evaluate(() =>
  document.documentElement.scrollWidth <= window.innerWidth && document.body.scrollWidth <= window.innerWidth);

module.exports = { webTest, text, noHScroll };
