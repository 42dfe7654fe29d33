import { createPortal } from 'react-dom';
import { QrCode } from '../../components/QrCode.js';
import { type DeviceLabelData, type LabelSizeId, labelSizeClass } from './label-sizes.js';
import './device-label.css';

/**
 * The label as printed: drawn outside the app's root so the print CSS can hide everything else,
 * and present only while a print is asked for (device-label.css sizes the page to the label).
 */
export function DeviceLabelPrintArea({ label, size }: { label: DeviceLabelData; size: LabelSizeId }) {
  return createPortal(
    <div className={`print-label-area ${labelSizeClass(size)}`} data-testid="print-label">
      <div className="device-label">
        <QrCode value={label.thingName} label={`QR code of ${label.thingName}`} size={96} />
        <div className="device-label-text">
          <span className="device-label-thing">{label.thingName}</span>
          <span className="device-label-line">SN {label.serialNumber}</span>
          <span className="device-label-line">{label.model}</span>
        </div>
      </div>
    </div>,
    document.body,
  );
}
