// centre.js - the demo centre as a browser test runs it: a copy of
// config/demo/centre.ini in the test's own folder, its device paths (printer
// files, the RS-485 line) moved there and the catalogue named by absolute
// path, so that a test never touches a device it did not create (even while
// the demo runs on the same machine).  copyCatalogue: the catalogue is copied
// into the folder too (for tests that import or edit it).
'use strict';
const fs = require('fs');
const path = require('path');

function privateCentre(root, tmp, opts) {
  const cfg = path.join(tmp, 'centre.ini');
  let csv = null;
  if (opts && opts.copyCatalogue) {
    csv = path.join(tmp, 'procedures.csv');
    fs.copyFileSync(path.join(root, 'config/demo/procedures.csv'), csv);
  }
  fs.writeFileSync(cfg, fs.readFileSync(path.join(root, 'config/demo/centre.ini'), 'utf8')
    .split('/tmp/onestop-demo/').join(tmp + '/')
    .replace(/^catalogue\s*=\s*([^/\n].*)$/m, (m, f) =>
      'catalogue = ' + (csv || path.join(root, 'config/demo', f))));
  return cfg;
}

module.exports = { privateCentre };
