import { crc32 as zlibCrc32 } from 'node:zlib';

/**
 * CRC-32/ISO-HDLC (the zlib/Ethernet CRC: reflected polynomial 0xEDB88320, initial value and final
 * XOR 0xFFFFFFFF). Check value: crc32("123456789") === 0xCBF43926. Node's zlib implements it natively.
 */
export function crc32(data: Uint8Array): number {
  return zlibCrc32(data) >>> 0;
}
