/**
 * Label stock the print CSS is sized for (history/device-label.css holds one named @page per size).
 * 62 mm is the common continuous/die-cut label-printer width; 50 × 30 mm the common thermal roll.
 */
export const labelSizes = [
  { id: '62x29', name: '62 × 29 mm' },
  { id: '50x30', name: '50 × 30 mm' },
] as const;

export type LabelSizeId = (typeof labelSizes)[number]['id'];

export const defaultLabelSize: LabelSizeId = '62x29';

/** A remembered or chosen size, or the default when it is not one we print. */
export function labelSizeOf(value: string | null | undefined): LabelSizeId {
  return labelSizes.find((size) => size.id === value)?.id ?? defaultLabelSize;
}

/** The class on the label area that picks the named page (and so the page size) in print. */
export function labelSizeClass(size: LabelSizeId): string {
  return `label-${size}`;
}

/** What a label shows: the Thing name is also the QR code's text. */
export interface DeviceLabelData {
  thingName: string;
  serialNumber: string;
  model: string;
}
