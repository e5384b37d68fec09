// ajv on NDJSON: the JavaScript peer of `bitter validate` in bench/validate.
//
//   node ajv_validate.mjs SCHEMA.json DATA.ndjson [--limit N]
//
// Compiles the JSON Schema (draft-07, as `bitter schema` prints it) with ajv
// plus ajv-formats, then reads DATA in 4 MiB chunks and runs JSON.parse and
// the compiled validator on every non-empty line. Prints one JSON line:
// {"records":N,"valid":N,"seconds":S,"compile_seconds":C}; `seconds` covers
// reading, parsing and validating (not node start-up or schema compile,
// which are reported apart). Exit 0 if every record is valid, 1 if not, 2 on
// bad usage. ajv and ajv-formats are resolved from $BENCH_NODE_MODULES, else
// <repo>/.tools/bench/node_modules (run.sh installs them there).
import { closeSync, openSync, readFileSync, readSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, resolve } from "node:path";
import { StringDecoder } from "node:string_decoder";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const modules = process.env.BENCH_NODE_MODULES || join(here, "..", "..", ".tools", "bench", "node_modules");
// createRequire resolves bare names from the node_modules beside this file name.
const require = createRequire(join(resolve(modules), "..", "noop.js"));
const Ajv = require("ajv").default;
const addFormats = require("ajv-formats").default;

const args = process.argv.slice(2);
let limit = Infinity;
const li = args.indexOf("--limit");
if (li >= 0) {
  limit = Number(args[li + 1]);
  args.splice(li, 2);
}
if (args.length !== 2 || !(limit > 0)) {
  process.stderr.write("usage: node ajv_validate.mjs SCHEMA.json DATA.ndjson [--limit N]\n");
  process.exit(2);
}
const [schemaPath, dataPath] = args;

const c0 = process.hrtime.bigint();
// allErrors off (the default): ajv stops at the first error, its fastest mode.
// strict off: bitter's schemas carry "description" etc., and draft-07 nullable
// unions like ["string","null"] with "format" would trip strictTypes.
const ajv = new Ajv({ strict: false });
addFormats(ajv);
const validate = ajv.compile(JSON.parse(readFileSync(schemaPath, "utf8")));
const c1 = process.hrtime.bigint();

let records = 0;
let valid = 0;
let firstError = null;
const check = (line) => {
  if (line.length === 0 || records >= limit) return;
  records++;
  let doc;
  try {
    doc = JSON.parse(line);
  } catch (e) {
    if (!firstError) firstError = { record: records, error: "not JSON: " + e.message };
    return;
  }
  if (validate(doc)) valid++;
  else if (!firstError) firstError = { record: records, errors: validate.errors };
};

const t0 = process.hrtime.bigint();
const fd = openSync(dataPath, "r");
const buf = Buffer.allocUnsafe(4 << 20);
const decoder = new StringDecoder("utf8");
let tail = "";
for (;;) {
  const n = readSync(fd, buf, 0, buf.length, null);
  if (n === 0) break;
  const text = tail + decoder.write(buf.subarray(0, n));
  let start = 0;
  for (let nl = text.indexOf("\n"); nl >= 0; nl = text.indexOf("\n", start)) {
    check(text.slice(start, nl));
    start = nl + 1;
  }
  tail = text.slice(start);
  if (records >= limit) break;
}
closeSync(fd);
check(tail + decoder.end());
const t1 = process.hrtime.bigint();

if (firstError) process.stderr.write("first invalid record: " + JSON.stringify(firstError) + "\n");
process.stdout.write(
  JSON.stringify({
    records,
    valid,
    seconds: Number(t1 - t0) / 1e9,
    compile_seconds: Number(c1 - c0) / 1e9,
  }) + "\n",
);
process.exit(valid === records ? 0 : 1);
