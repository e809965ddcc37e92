// tap_parse.js FILE: parse FILE with tap-parser (Debian's node-tap-parser,
// the TAP 14 reference parser) in strict mode and print one JSON object:
// {version, plan, count, pass, fail, errors: [parse errors], asserts: [{ok,
// id, name, diag}]}. Used by harness/tests/e2e/report_ci_formats.sh; run
// with NODE_PATH=/usr/share/nodejs.
'use strict';
const Parser = require('tap-parser');
const fs = require('fs');

const out = { version: null, asserts: [], errors: [] };
const p = new Parser({ strict: true }, (r) => {
  out.plan = r.plan;
  out.count = r.count;
  out.pass = r.pass;
  out.fail = r.fail;
  out.ok = r.ok;
  // parse errors are reported as failures with a tapError
  out.errors = (r.failures || []).filter((f) => f.tapError).map((f) => f.tapError);
  console.log(JSON.stringify(out));
});
p.on('version', (v) => { out.version = v; });
p.on('assert', (a) => out.asserts.push({ ok: a.ok, id: a.id, name: a.name, diag: a.diag }));
p.end(fs.readFileSync(process.argv[2]));
