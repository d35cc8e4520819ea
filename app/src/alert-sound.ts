/**
 * The optional alert sound on Live alerts: off by default (a sound must never surprise anyone),
 * remembered per device. A short tone from Web Audio, two for critical alerts; no audio file.
 */
const KEY = "fleetpulse.alertSound";
let audio: AudioContext | null = null;

export const soundEnabled = () => localStorage.getItem(KEY) === "on";

export function setSoundEnabled(on: boolean) {
  localStorage.setItem(KEY, on ? "on" : "off");
  // Created on the user's click, so the browser lets it play later.
  if (on) audio ??= new AudioContext();
}

export function playAlertSound(critical: boolean) {
  if (!soundEnabled()) return;
  audio ??= new AudioContext();
  const start = audio.currentTime;
  for (let i = 0; i < (critical ? 2 : 1); i++) {
    const tone = audio.createOscillator();
    const gain = audio.createGain();
    tone.frequency.value = critical ? 880 : 660;
    gain.gain.setValueAtTime(0.2, start + i * 0.3);
    gain.gain.exponentialRampToValueAtTime(0.001, start + i * 0.3 + 0.2);
    tone.connect(gain).connect(audio.destination);
    tone.start(start + i * 0.3);
    tone.stop(start + i * 0.3 + 0.2);
  }
}
