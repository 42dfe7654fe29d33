import type { CueName } from './cue-transitions.js';

/**
 * The cues, synthesized with Web Audio (the page's CSP allows no media files). The AudioContext
 * is made on the first cue, not at load, and resumed if the browser suspended it.
 */

interface Tone {
  /** Seconds after the cue starts. */
  start: number;
  duration: number;
  fromHz: number;
  toHz: number;
  wave: OscillatorType;
}

const cueTones: Record<CueName, Tone[]> = {
  // Rising: "done, next one".
  done: [{ start: 0, duration: 0.22, fromHz: 660, toHz: 1320, wave: 'sine' }],
  // Low, twice: "look here".
  failed: [
    { start: 0, duration: 0.16, fromHz: 220, toHz: 220, wave: 'triangle' },
    { start: 0.24, duration: 0.16, fromHz: 196, toHz: 196, wave: 'triangle' },
  ],
};

let context: AudioContext | null = null;

function audioContext(): AudioContext | null {
  if (context) return context;
  if (typeof AudioContext === 'undefined') return null;
  try {
    context = new AudioContext();
  } catch {
    return null;
  }
  return context;
}

/** Lets the browser unlock audio from a click (e.g. the sound toggle), so the first cue is heard. */
export function primeAudio(): void {
  const audio = audioContext();
  if (audio?.state === 'suspended') void audio.resume().catch(() => undefined);
}

export function playCue(cue: CueName): void {
  const audio = audioContext();
  if (!audio) return;
  if (audio.state === 'suspended') void audio.resume().catch(() => undefined);
  const at = audio.currentTime + 0.02;
  for (const tone of cueTones[cue]) {
    const oscillator = audio.createOscillator();
    const gain = audio.createGain();
    oscillator.type = tone.wave;
    oscillator.frequency.setValueAtTime(tone.fromHz, at + tone.start);
    oscillator.frequency.linearRampToValueAtTime(tone.toHz, at + tone.start + tone.duration);
    // A short attack and release: no click at either end.
    gain.gain.setValueAtTime(0.0001, at + tone.start);
    gain.gain.exponentialRampToValueAtTime(0.3, at + tone.start + 0.02);
    gain.gain.exponentialRampToValueAtTime(0.0001, at + tone.start + tone.duration);
    oscillator.connect(gain).connect(audio.destination);
    oscillator.start(at + tone.start);
    oscillator.stop(at + tone.start + tone.duration + 0.02);
    oscillator.onended = () => gain.disconnect();
  }
}
