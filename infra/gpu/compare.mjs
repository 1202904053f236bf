// infra/gpu/compare.mjs CUDA.json CPU.json CUDA_DIR CPU_DIR MIN_DB — prints both real-time factors (from the CLI's
// --json) and, per stem WAV, the SI-SDR of the GPU output against the CPU output; exits 1 when one is below MIN_DB.
// SI-SDR: Le Roux et al., "SDR – half-baked or well done?" (ICASSP 2019). Plain Node.js, no packages.
import fs from 'node:fs';
import path from 'node:path';

const [gpuJson, cpuJson, gpuDir, cpuDir, minDb] = process.argv.slice(2);
const rtf = (file) => JSON.parse(fs.readFileSync(file, 'utf8')).realTimeFactor;
console.log(`real-time factor: cuda ${rtf(gpuJson)}x, cpu ${rtf(cpuJson)}x`);

// Samples of a PCM16 or IEEE-float32 WAV, all channels in one array.
function samples(file) {
  const b = fs.readFileSync(file);
  let at = 12, format = 0, bits = 0;
  while (at + 8 <= b.length) {
    const id = b.toString('ascii', at, at + 4), size = b.readUInt32LE(at + 4);
    if (id === 'fmt ') { format = b.readUInt16LE(at + 8); bits = b.readUInt16LE(at + 22); if (format === 0xfffe) format = b.readUInt16LE(at + 32); }
    if (id === 'data') {
      const n = size / (bits / 8), out = new Float64Array(n);
      for (let i = 0; i < n; i++) out[i] = format === 3 ? b.readFloatLE(at + 8 + 4 * i) : b.readInt16LE(at + 8 + 2 * i) / 32768;
      return out;
    }
    at += 8 + size + (size & 1);
  }
  throw new Error(`${file}: no data chunk`);
}

function siSdr(estimate, reference) {
  let dot = 0, energy = 0;
  for (let i = 0; i < reference.length; i++) { dot += estimate[i] * reference[i]; energy += reference[i] * reference[i]; }
  const scale = dot / energy;
  let target = 0, noise = 0;
  for (let i = 0; i < reference.length; i++) { const t = scale * reference[i]; target += t * t; noise += (estimate[i] - t) ** 2; }
  return 10 * Math.log10(target / noise);
}

let worst = Infinity;
for (const file of fs.readdirSync(cpuDir).filter((f) => f.endsWith('.wav')).sort()) {
  const db = siSdr(samples(path.join(gpuDir, file)), samples(path.join(cpuDir, file)));
  worst = Math.min(worst, db);
  console.log(`${path.basename(file, '.wav').padEnd(14)} SI-SDR cuda vs cpu ${db.toFixed(2)} dB`);
}
if (!(worst >= Number(minDb))) { console.error(`gpu check: worst stem ${worst.toFixed(2)} dB < ${minDb} dB`); process.exit(1); }
console.log(`gpu check: every stem agrees within ${minDb} dB`);
