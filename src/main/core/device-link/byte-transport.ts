import { SerialPort } from 'serialport';

/** The byte pipe under the link; a serial port in the product, anything duplex in tests. */
export interface ByteTransport {
  write(data: Buffer): Promise<void>;
  close(): Promise<void>;
  onData(listener: (data: Buffer) => void): void;
  /** Called once, when the port goes away (unplugged, closed, I/O error). */
  onClose(listener: (reason: string) => void): void;
}

/** A serial port (or pseudo-terminal) opened by path. */
export class SerialPortTransport implements ByteTransport {
  private closed = false;
  private closeListeners: Array<(reason: string) => void> = [];

  private constructor(private readonly port: SerialPort) {
    port.on('close', (error?: Error | null) => this.ended(error ? error.message : 'port closed'));
    port.on('error', (error: Error) => this.ended(error.message));
  }

  static open(path: string, baudRate: number): Promise<SerialPortTransport> {
    return new Promise((resolve, reject) => {
      const port = new SerialPort({ path, baudRate, autoOpen: false });
      port.open((error) => (error ? reject(error) : resolve(new SerialPortTransport(port))));
    });
  }

  write(data: Buffer): Promise<void> {
    if (this.closed) return Promise.reject(new Error('port is closed'));
    return new Promise((resolve, reject) => {
      this.port.write(data, (error) => (error ? reject(error) : resolve()));
    });
  }

  close(): Promise<void> {
    if (this.closed || !this.port.isOpen) {
      this.ended('closed by the station');
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      this.port.close(() => {
        this.ended('closed by the station');
        resolve();
      });
    });
  }

  onData(listener: (data: Buffer) => void): void {
    this.port.on('data', listener);
  }

  onClose(listener: (reason: string) => void): void {
    this.closeListeners.push(listener);
  }

  private ended(reason: string): void {
    if (this.closed) return;
    this.closed = true;
    // Release the file descriptor after an I/O error (cable pulled) so nothing leaks.
    if (this.port.isOpen) this.port.close(() => undefined);
    for (const listener of this.closeListeners) listener(reason);
    this.closeListeners = [];
  }
}
