import { isBenchPort } from '../../../shared/bench-port.js';
import type { SerialDeviceList } from '../../../shared/view-models.js';

function usbIds(vendorId: string | null, productId: string | null): string {
  return vendorId && productId ? `${vendorId}:${productId}` : '—';
}

/** The serial ports the station sees right now, updated live from main's device events. */
export function DeviceList({ list }: { list: SerialDeviceList }) {
  return (
    <section className="panel" aria-labelledby="devices-heading">
      <header className="panel-header">
        <h2 id="devices-heading">Tethered devices</h2>
        <span className="badge" title="How the station notices devices being plugged and unplugged">
          {list.watchMode === 'hotplug' ? 'USB hotplug' : 'Polling'}
        </span>
      </header>
      {list.devices.length === 0 ? (
        <p className="empty" data-testid="no-devices">
          No serial ports found. Plug a device in, or add its port path under “Configured ports”.
        </p>
      ) : (
        <table className="device-table" data-testid="device-table">
          <thead>
            <tr>
              <th scope="col">Port</th>
              <th scope="col">USB id</th>
              <th scope="col">Serial number</th>
              <th scope="col">Maker</th>
              <th scope="col">Location</th>
            </tr>
          </thead>
          <tbody>
            {list.devices.map((device) => (
              <tr key={device.path} data-testid="device-row" data-path={device.path}>
                <td className="mono">
                  {device.path}
                  {device.source === 'configured' && <span className="tag">configured</span>}
                  {!isBenchPort(device) && (
                    <span className="tag" title="Only USB serial adapters and configured ports are used">
                      not a bench port
                    </span>
                  )}
                </td>
                <td className="mono">{usbIds(device.vendorId, device.productId)}</td>
                <td className="mono">{device.serialNumber ?? '—'}</td>
                <td>{device.manufacturer ?? '—'}</td>
                <td className="mono">{device.location ?? '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
