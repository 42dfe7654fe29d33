import type { PhaseIconName } from '../../format/run-phase.js';
import './phase-look.css';

/** Line drawings on a 24-unit grid; the stroke takes the text colour of the state around it. */
const paths: Record<PhaseIconName, string> = {
  plug: 'M9 2v5M15 2v5M6 7h12v4a6 6 0 0 1-12 0zM12 17v5',
  handshake: 'M4 8h15l-4-4M20 16H5l4 4',
  question:
    'M12 2a10 10 0 1 0 0 20a10 10 0 1 0 0-20zM9.5 9a2.5 2.5 0 1 1 3.5 2.3c-.7.3-1 .9-1 1.7v.5M12 17v.5',
  clock: 'M12 2a10 10 0 1 0 0 20a10 10 0 1 0 0-20zM12 6v6l4 2',
  key: 'M8 11a4 4 0 1 0 0 8a4 4 0 1 0 0-8zM11 12l9-9M17 6l3 3M14.5 8.5l2 2',
  transfer: 'M12 3v12M7 10l5 5l5-5M4 20h16',
  cloud: 'M7 19h10a4 4 0 0 0 .5-8A6 6 0 0 0 6 10.5A4.3 4.3 0 0 0 7 19z',
  search: 'M11 4a7 7 0 1 0 0 14a7 7 0 1 0 0-14zM16 16l5 5',
  recycle: 'M4 11a8 8 0 0 1 14-4.5L20 8M20 3v5h-5M20 13a8 8 0 0 1-14 4.5L4 16M4 21v-5h5',
  restore: 'M4 12a8 8 0 1 0 2.5-5.8L4 8.5M4 3v5.5h5.5M12 8v4l3 2',
  unplugged: 'M9 2v5M15 2v5M6 7h12v4a6 6 0 0 1-12 0zM12 17v5M3 3l18 18',
  check: 'M4 12.5l5 5L20 6.5',
  cross: 'M6 6l12 12M18 6L6 18',
  ban: 'M12 2a10 10 0 1 0 0 20a10 10 0 1 0 0-20zM5 5l14 14',
  play: 'M7 4l13 8l-13 8z',
  pause: 'M8 4v16M16 4v16',
  flag: 'M5 21V4M5 4h12l-3 4l3 4H5',
  'sound-on': 'M4 9h4l5-4v14l-5-4H4zM16.5 9a4 4 0 0 1 0 6M19.5 6a8 8 0 0 1 0 12',
  'sound-off': 'M4 9h4l5-4v14l-5-4H4zM16 9l6 6M22 9l-6 6',
};

/** Decorative: the state's word always stands beside it, so screen readers skip the drawing. */
export function PhaseIcon({ icon, className }: { icon: PhaseIconName; className?: string }) {
  return (
    <svg
      className={className ?? 'phase-icon'}
      viewBox="0 0 24 24"
      aria-hidden="true"
      focusable="false"
      fill="none"
      stroke="currentColor"
      strokeWidth={2.2}
      strokeLinecap="round"
      strokeLinejoin="round"
    >
      <path d={paths[icon]} />
    </svg>
  );
}
