// Keyboard review and A/B comparison on the job page, in the browser (no round trip through the circuit per key):
//   j / k       move to the next / previous output row (rows carry data-review-row="<unit index>")
//   a / r       accept / reject the current row (clicks its accept/reject button, so the server records it), then move on
//   space       play / pause the current row's output
//   1 … 9       switch the active A/B player to track n at the same position (keeps playing if it was)
// An A/B player is a [data-ab] element holding one hidden <audio data-ab-audio> per track, [data-ab-track] buttons, a
// play button, a seek slider and loop-region inputs; all tracks share one timeline.

let current = null;   // unit index of the current row, as a string
let activeAb = null;  // the A/B player keys 1–9 act on

export function attach() {
  if (window.__audiomixReview) {
    return;
  }
  window.__audiomixReview = true;
  document.addEventListener('keydown', onKey);
  document.addEventListener('click', onClick);
  document.addEventListener('input', onInput);
}

function typing(target) {
  return target && (target.tagName === 'INPUT' || target.tagName === 'TEXTAREA' || target.tagName === 'SELECT' || target.isContentEditable);
}

// One marker per output row (inside its first cell); the row is the marker's <tr>.
function rows() {
  return Array.from(document.querySelectorAll('[data-review-row]'));
}

function mark(marker) {
  rows().forEach(m => m.closest('tr')?.classList.toggle('am-current', m === marker));
  if (marker) {
    current = marker.dataset.reviewRow;
    marker.closest('tr')?.scrollIntoView({ block: 'nearest' });
    const ab = document.querySelector(`[data-ab="${current}"]`);
    if (ab) {
      activeAb = ab;
    }
  }
}

function move(step) {
  const list = rows();
  if (list.length === 0) {
    return;
  }
  const at = list.findIndex(r => r.dataset.reviewRow === current);
  const next = at < 0 ? (step > 0 ? 0 : list.length - 1) : Math.min(list.length - 1, Math.max(0, at + step));
  mark(list[next]);
}

function onKey(e) {
  if (typing(e.target) || e.ctrlKey || e.metaKey || e.altKey) {
    return;
  }
  if (e.key === 'j' || e.key === 'k') {
    move(e.key === 'j' ? 1 : -1);
    e.preventDefault();
    return;
  }
  if (e.key >= '1' && e.key <= '9') {
    const ab = activeAb && document.body.contains(activeAb) ? activeAb : document.querySelector('[data-ab]');
    if (ab && switchTrack(ab, Number(e.key) - 1)) {
      e.preventDefault();
    }
    return;
  }
  const row = rows().find(m => m.dataset.reviewRow === current)?.closest('tr');
  if (!row) {
    return;
  }
  if (e.key === 'a' || e.key === 'r') {
    const button = document.querySelector(`[data-testid=${e.key === 'a' ? 'accept' : 'reject'}-${current}]`);
    if (button) {
      button.click();
      move(1);
    }
    e.preventDefault();
  } else if (e.key === ' ') {
    const audio = row.querySelector('audio[data-testid=output-audio]');
    if (audio) {
      if (audio.paused) {
        audio.play().catch(() => {});
      } else {
        audio.pause();
      }
    }
    e.preventDefault();
  }
}

// ---- A/B player ----

function tracks(ab) {
  return Array.from(ab.querySelectorAll('audio[data-ab-audio]'));
}

function playing(ab) {
  return tracks(ab)[Number(ab.dataset.abActive || 0)];
}

function switchTrack(ab, n) {
  const list = tracks(ab);
  if (n >= list.length) {
    return false;
  }
  const from = playing(ab);
  const time = from ? from.currentTime : 0;
  const wasPlaying = from && !from.paused;
  list.forEach(a => a.pause());
  const to = list[n];
  ab.dataset.abActive = String(n);
  ab.querySelectorAll('[data-ab-track]').forEach(b => b.classList.toggle('am-ab-on', Number(b.dataset.abTrack) === n));
  const label = ab.querySelector('[data-ab-current]');
  if (label) {
    label.textContent = to.dataset.abName || String(n + 1);
  }
  const seekTo = () => {
    to.currentTime = Math.min(time, isFinite(to.duration) ? to.duration : time);
    if (wasPlaying) {
      to.play().catch(() => {});
    }
  };
  if (to.readyState >= 1) {
    seekTo();
  } else {
    to.addEventListener('loadedmetadata', seekTo, { once: true });
    to.load();
  }
  activeAb = ab;
  return true;
}

function loopRegion(ab) {
  const on = ab.querySelector('[data-ab-loop]');
  const start = Number(ab.querySelector('[data-ab-loop-start]')?.value);
  const end = Number(ab.querySelector('[data-ab-loop-end]')?.value);
  return on && on.checked && isFinite(start) && isFinite(end) && end > start ? { start, end } : null;
}

function tick(ab) {
  const audio = playing(ab);
  if (!audio) {
    return;
  }
  const region = loopRegion(ab);
  if (region && (audio.currentTime >= region.end || audio.currentTime < region.start - 0.05)) {
    audio.currentTime = region.start;
  }
  const seek = ab.querySelector('[data-ab-seek]');
  if (seek && isFinite(audio.duration)) {
    seek.max = String(audio.duration);
    seek.value = String(audio.currentTime);
  }
  const time = ab.querySelector('[data-ab-time]');
  if (time) {
    time.textContent = `${audio.currentTime.toFixed(2)} s`;
  }
  if (!audio.paused) {
    requestAnimationFrame(() => tick(ab));
  }
}

function onClick(e) {
  const ab = e.target.closest && e.target.closest('[data-ab]');
  if (!ab) {
    return;
  }
  activeAb = ab;
  const track = e.target.closest('[data-ab-track]');
  if (track) {
    switchTrack(ab, Number(track.dataset.abTrack));
    return;
  }
  if (e.target.closest('[data-ab-play]')) {
    const audio = playing(ab);
    if (audio.paused) {
      const region = loopRegion(ab);
      if (region && (audio.currentTime < region.start || audio.currentTime >= region.end)) {
        audio.currentTime = region.start;
      }
      audio.play().then(() => tick(ab)).catch(() => {});
    } else {
      audio.pause();
    }
  }
}

function onInput(e) {
  const ab = e.target.closest && e.target.closest('[data-ab]');
  if (ab && e.target.matches('[data-ab-seek]')) {
    playing(ab).currentTime = Number(e.target.value);
    tick(ab);
  }
}
