import { vi } from 'vitest';
import type { Clock } from '../../src/main/core/time/clock.js';

/**
 * A clock for a whole process whose `Date` is faked (`vi.useFakeTimers({ toFake: ['Date'] })`, as
 * Amplify, the AWS SDK and the sandbox read `Date` directly): `Date` runs with real time from a
 * chosen offset, so rate buckets, timestamps and timeouts behave as usual, and `jump(ms)` moves
 * it forward at once, firing each timer that falls due on the way at its own time, earliest first
 * (as a long wait would). Timers also fire when real time reaches them.
 */
export class JumpingClock implements Clock {
  /** Fake time minus real time. */
  private offset: number;
  private last = Number.NEGATIVE_INFINITY;
  private timers: { at: number; id: number; callback: () => void; real: NodeJS.Timeout }[] = [];
  private nextId = 1;
  private readonly ticker: NodeJS.Timeout;
  /** Milliseconds moved by jump() so far. */
  jumpedMs = 0;

  constructor(offsetMs: number) {
    this.offset = offsetMs;
    this.sync();
    // Keeps `Date` moving for code that reads it without asking this clock.
    this.ticker = setInterval(() => this.fireDue(), 5);
  }

  now(): number {
    return this.sync();
  }

  setTimer(ms: number, callback: () => void): () => void {
    const id = this.nextId++;
    const delay = Math.max(0, ms);
    const real = setTimeout(() => this.fireDue(), delay);
    this.timers.push({ at: this.now() + delay, id, callback, real });
    return () => this.remove(id);
  }

  /** Moves time forward by `ms`, firing due timers at their own times; returns how many fired. */
  jump(ms: number): number {
    const target = this.now() + ms;
    let fired = 0;
    for (let due = this.earliest(target); due; due = this.earliest(target)) {
      this.remove(due.id);
      this.last = Math.max(this.last, due.at);
      vi.setSystemTime(this.last);
      due.callback();
      fired++;
    }
    this.offset += ms;
    this.jumpedMs += ms;
    this.sync();
    return fired;
  }

  dispose(): void {
    clearInterval(this.ticker);
    for (const timer of this.timers) clearTimeout(timer.real);
    this.timers = [];
  }

  private sync(): number {
    // Never backwards: a jump may have placed `Date` a little ahead of real time plus offset.
    // Whole milliseconds, as Date.now() gives (view models carry epoch times as integers).
    this.last = Math.max(this.last, Math.floor(performance.timeOrigin + performance.now() + this.offset));
    vi.setSystemTime(this.last);
    return this.last;
  }

  private fireDue(): void {
    const now = this.sync();
    for (let due = this.earliest(now); due; due = this.earliest(now)) {
      this.remove(due.id);
      due.callback();
    }
  }

  private earliest(until: number) {
    let found: (typeof this.timers)[number] | undefined;
    for (const timer of this.timers) {
      if (timer.at <= until && (!found || timer.at < found.at)) found = timer;
    }
    return found;
  }

  private remove(id: number): void {
    const timer = this.timers.find((candidate) => candidate.id === id);
    if (timer) clearTimeout(timer.real);
    this.timers = this.timers.filter((candidate) => candidate.id !== id);
  }
}
