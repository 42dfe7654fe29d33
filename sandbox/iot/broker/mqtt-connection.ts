import type { Duplex } from 'node:stream';
import mqttPacket, { type Packet } from 'mqtt-packet';

/**
 * MQTT framing for one client socket: parses incoming packets with mqtt-packet (3.1.1 or 5, as the
 * CONNECT says), writes outgoing ones in the same version, enforces the keep-alive (1.5 × the
 * client's interval, as the specification asks) and closes once, with a reason for the log.
 */

export type ProtocolVersion = 4 | 5;

/** Largest MQTT packet accepted: AWS's 128 KiB payload plus room for topic and properties. */
export const MAX_PACKET_BYTES = 128 * 1024 + 16 * 1024;

export interface MqttConnectionHandlers {
  onPacket(packet: Packet): void;
  /** Called exactly once, after the socket is gone. */
  onClose(reason: string): void;
}

export class MqttConnection {
  protocolVersion: ProtocolVersion = 4;
  private keepAliveTimer: NodeJS.Timeout | undefined;
  private keepAliveMs = 0;
  private closed = false;
  private closeReason = 'socket closed by the client';
  /** Bytes received since the last complete packet: bounds what the parser may buffer. */
  private pendingBytes = 0;

  constructor(
    private readonly socket: Duplex,
    private readonly handlers: MqttConnectionHandlers,
  ) {
    const parser = mqttPacket.parser();
    parser.on('packet', (packet: Packet) => {
      if (this.closed) return;
      this.pendingBytes = 0;
      this.touch();
      try {
        handlers.onPacket(packet);
      } catch (error) {
        this.close(`internal error while handling ${packet.cmd}: ${(error as Error).message}`, 0x83);
      }
    });
    parser.on('error', (error: Error) => this.close(`malformed MQTT packet: ${error.message}`, 0x81));
    socket.on('data', (chunk: Buffer) => {
      if (this.closed) return;
      this.pendingBytes += chunk.length;
      parser.parse(chunk);
      if (this.pendingBytes > MAX_PACKET_BYTES) {
        this.close(`packet larger than ${MAX_PACKET_BYTES} bytes`, 0x95);
      }
    });
    socket.on('error', (error: Error) => {
      this.closeReason = `socket error: ${error.message}`;
    });
    socket.on('close', () => this.finish());
  }

  get isOpen(): boolean {
    return !this.closed;
  }

  send(packet: Packet): void {
    if (this.closed) return;
    let bytes: Buffer;
    try {
      bytes = mqttPacket.generate(packet, { protocolVersion: this.protocolVersion });
    } catch (error) {
      // A packet the broker cannot encode is a broker defect; drop this client, never the process.
      this.closed = true;
      this.closeReason = `internal error encoding ${packet.cmd}: ${(error as Error).message}`;
      this.clearKeepAlive();
      this.socket.destroy();
      return;
    }
    this.socket.write(bytes);
  }

  /** Starts the keep-alive watch; 0 disables it, as MQTT allows. */
  setKeepAlive(seconds: number): void {
    this.keepAliveMs = seconds * 1500;
    this.touch();
  }

  /**
   * Closes the connection. An MQTT 5 client first gets a DISCONNECT with `reasonCode` when given
   * (servers may send one in version 5 only); a 3.1.1 client just sees the socket close.
   */
  close(reason: string, reasonCode?: number): void {
    if (this.closed) return;
    this.closeReason = reason;
    if (reasonCode !== undefined && this.protocolVersion === 5 && this.socket.writable) {
      this.send({ cmd: 'disconnect', reasonCode });
    }
    this.closed = true;
    this.clearKeepAlive();
    this.socket.end();
    // A peer that never reads must not keep the socket alive.
    setTimeout(() => this.socket.destroy(), 1000).unref();
  }

  private touch(): void {
    this.clearKeepAlive();
    if (this.keepAliveMs <= 0 || this.closed) return;
    this.keepAliveTimer = setTimeout(
      () => this.close(`keep-alive timeout: nothing received for ${this.keepAliveMs / 1000} s`, 0x8d),
      this.keepAliveMs,
    );
    this.keepAliveTimer.unref();
  }

  private clearKeepAlive(): void {
    if (this.keepAliveTimer) clearTimeout(this.keepAliveTimer);
    this.keepAliveTimer = undefined;
  }

  private finish(): void {
    this.closed = true;
    this.clearKeepAlive();
    this.handlers.onClose(this.closeReason);
  }
}
