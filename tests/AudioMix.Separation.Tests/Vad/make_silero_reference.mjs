// Writes silero_reference.json: Silero VAD v5 speech probabilities of speech16k.wav and speech8k.wav computed by
// ONNX Runtime's own runner (onnxruntime-node), window by window exactly as silero-vad's utils_vad.py
// OnnxWrapper.__call__ + get_speech_timestamps do: 512 samples at 16 kHz (256 at 8 kHz), the previous model input's
// last 64 (32) samples prepended, recurrent state [2, 1, 128] from zeros, the last partial window zero-padded.
// AudioMix.Separation.Tests compares its SileroVad against these numbers (tolerance 1e-4).
//
// Regenerate (nothing here is needed at test time):
//   infra/models/install silero-vad
//   tmp=$(mktemp -d) && (cd "$tmp" && ONNXRUNTIME_NODE_INSTALL=skip npm install onnxruntime-node@1.30.0)
//   ORT_NODE_DIR="$tmp" node tests/AudioMix.Separation.Tests/Vad/make_silero_reference.mjs ~/.local/share/audiomix/models/silero-vad/silero_vad_v5.onnx
import { createRequire } from 'node:module';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const modelPath = process.argv[2];
if (!modelPath || !process.env.ORT_NODE_DIR) {
  console.error('usage: ORT_NODE_DIR=DIR node make_silero_reference.mjs MODEL.onnx  (DIR holds node_modules/onnxruntime-node)');
  process.exit(2);
}
const ort = createRequire(path.join(path.resolve(process.env.ORT_NODE_DIR), 'package.json'))('onnxruntime-node');

// 16-bit PCM mono WAV → Float32Array (sample / 32768), the same scaling AudioMix's WavReader uses.
function readWav(file) {
  const b = fs.readFileSync(file);
  if (b.toString('ascii', 0, 4) !== 'RIFF' || b.toString('ascii', 8, 12) !== 'WAVE') throw new Error(`${file}: not a WAV`);
  let at = 12, rate = 0, channels = 0, bits = 0;
  while (at + 8 <= b.length) {
    const id = b.toString('ascii', at, at + 4), size = b.readUInt32LE(at + 4), body = at + 8;
    if (id === 'fmt ') { channels = b.readUInt16LE(body + 2); rate = b.readUInt32LE(body + 4); bits = b.readUInt16LE(body + 14); }
    if (id === 'data') {
      if (channels !== 1 || bits !== 16) throw new Error(`${file}: want 16-bit mono`);
      const samples = new Float32Array(size / 2);
      for (let i = 0; i < samples.length; i++) samples[i] = b.readInt16LE(body + 2 * i) / 32768;
      return { rate, samples };
    }
    at = body + size + (size & 1);
  }
  throw new Error(`${file}: no data chunk`);
}

const session = await ort.InferenceSession.create(modelPath, { intraOpNumThreads: 1, executionMode: 'sequential' });
const result = { model: path.basename(modelPath), sha256: createHash('sha256').update(fs.readFileSync(modelPath)).digest('hex'), runner: `onnxruntime-node ${ort.env.versions?.common ?? ''}`.trim(), clips: {} };
for (const name of ['speech16k.wav', 'speech8k.wav']) {
  const { rate, samples } = readWav(path.join(here, name));
  const window = rate === 16000 ? 512 : 256;
  const contextSize = rate === 16000 ? 64 : 32;
  let context = new Float32Array(contextSize);
  let state = new ort.Tensor('float32', new Float32Array(2 * 128), [2, 1, 128]);
  const sr = new ort.Tensor('int64', BigInt64Array.from([BigInt(rate)]), []);
  const probabilities = [];
  for (let start = 0; start < samples.length; start += window) {
    const x = new Float32Array(contextSize + window);
    x.set(context, 0);
    x.set(samples.subarray(start, Math.min(samples.length, start + window)), contextSize);
    const out = await session.run({ input: new ort.Tensor('float32', x, [1, x.length]), state, sr });
    state = out.stateN;
    context = x.slice(x.length - contextSize);
    probabilities.push(Number(out.output.data[0].toFixed(7)));
  }
  result.clips[name] = { sampleRate: rate, window, probabilities };
}
fs.writeFileSync(path.join(here, 'silero_reference.json'), JSON.stringify(result, null, 1) + '\n');
console.log(`wrote ${path.join(here, 'silero_reference.json')}`);
