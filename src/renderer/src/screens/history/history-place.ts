/**
 * Where the operator was on History: the search as typed, the batch picked, how far the device
 * list was scrolled and which device they opened. The screen unmounts while device detail is
 * shown, so this lives beside it for the app's lifetime and is read back when they return.
 * Only a visit to a device's detail keeps the place: History opened from its tab starts fresh
 * (an old search would hide the devices of a newer batch), and so does another operator's.
 */
export interface HistoryPlace {
  searchInput: string;
  batchId: string | null;
  /** The device list's scroll offset, in pixels. */
  scrollTop: number;
  /** The device whose Details was opened: its button takes the focus again on return. */
  openedRunId: string | null;
}

export const freshHistoryPlace: Readonly<HistoryPlace> = {
  searchInput: '',
  batchId: null,
  scrollTop: 0,
  openedRunId: null,
};

export class HistoryPlaceMemory {
  private place: HistoryPlace = { ...freshHistoryPlace };
  private operator: string | null = null;

  /**
   * The place to start History from: the one this operator left for a device's detail, or a
   * fresh one. Asking twice gives the same answer (React may call a state initialiser twice);
   * `arrived` then marks the visit to detail as over.
   */
  resume(operator: string | null): HistoryPlace {
    if (operator !== this.operator || this.place.openedRunId === null) {
      this.operator = operator;
      this.place = { ...freshHistoryPlace };
    }
    return { ...this.place };
  }

  /** History is on screen again: leaving it now by a tab starts it fresh next time. */
  arrived(): void {
    this.place = { ...this.place, openedRunId: null };
  }

  remember(change: Partial<HistoryPlace>): void {
    this.place = { ...this.place, ...change };
  }
}

/** The one memory the History screen uses. */
export const historyPlace = new HistoryPlaceMemory();
