/** A span for a log line a person reads: "42 s", "5 min 12 s", "3 h 4 min", "12 d 5 h". */
export function durationText(ms: number): string {
  const seconds = Math.floor(Math.abs(ms) / 1000);
  if (seconds < 1) return 'less than a second';
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return joined(minutes, 'min', seconds % 60, 's');
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return joined(hours, 'h', minutes % 60, 'min');
  return joined(Math.floor(hours / 24), 'd', hours % 24, 'h');
}

function joined(major: number, majorUnit: string, minor: number, minorUnit: string): string {
  return minor === 0 ? `${major} ${majorUnit}` : `${major} ${majorUnit} ${minor} ${minorUnit}`;
}

/** "expired at 2030-01-01T00:00:00.000Z, 5 min 1 s ago": when, and how long before `now`. */
export function expiredAtText(expiredAt: number, now: number): string {
  return `expired at ${new Date(expiredAt).toISOString()}, ${durationText(now - expiredAt)} ago`;
}
