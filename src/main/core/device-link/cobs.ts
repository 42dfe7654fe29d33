/**
 * Consistent Overhead Byte Stuffing: removes every 0x00 from a frame body so that 0x00 can only
 * mean "frame boundary" on the wire. Overhead is at most one byte per 254 plus one.
 */

/** Worst-case encoded length of `length` body bytes (without the 0x00 delimiter). */
export function cobsMaxEncodedLength(length: number): number {
  return length + 1 + Math.floor(length / 254);
}

export function cobsEncode(input: Uint8Array): Buffer {
  const output = Buffer.alloc(cobsMaxEncodedLength(input.length));
  let codeIndex = 0;
  let write = 1;
  let code = 1;
  for (const byte of input) {
    if (byte === 0) {
      output[codeIndex] = code;
      codeIndex = write++;
      code = 1;
      continue;
    }
    output[write++] = byte;
    code++;
    if (code === 0xff) {
      output[codeIndex] = code;
      codeIndex = write++;
      code = 1;
    }
  }
  output[codeIndex] = code;
  return output.subarray(0, write);
}

/** Decodes one COBS block (no delimiters inside). Returns undefined when the block is not valid COBS. */
export function cobsDecode(input: Uint8Array): Buffer | undefined {
  const output = Buffer.alloc(input.length);
  let read = 0;
  let write = 0;
  while (read < input.length) {
    const code = input[read++] as number;
    if (code === 0) return undefined;
    const end = read + code - 1;
    if (end > input.length) return undefined;
    while (read < end) {
      const byte = input[read++] as number;
      if (byte === 0) return undefined;
      output[write++] = byte;
    }
    if (code !== 0xff && read < input.length) output[write++] = 0;
  }
  return output.subarray(0, write);
}
