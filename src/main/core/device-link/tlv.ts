/**
 * Message payloads are a sequence of fields: tag u8 · length u16 LE · value. Receivers skip tags they
 * do not know (forward compatibility) and keep every occurrence of a repeated tag in order.
 */
export type TlvField = readonly [tag: number, value: Uint8Array];

/**
 * What a message's table says about its known tags (docs/device-protocol.md 2.5): a fixed `size`
 * (integers, ids) and whether the tag is `repeatable`. A known tag that occurs twice without being
 * repeatable, or has another size, makes the whole payload malformed. Unknown tags are skipped.
 */
export type FieldRules = Readonly<Record<number, { size?: number; repeatable?: boolean }>>;

export function encodeTlv(fields: readonly TlvField[]): Buffer {
  const size = fields.reduce((total, [, value]) => total + 3 + value.length, 0);
  const output = Buffer.alloc(size);
  let offset = 0;
  for (const [tag, value] of fields) {
    if (value.length > 0xffff) throw new RangeError(`field ${tag} is ${value.length} bytes, over 65535`);
    output[offset] = tag;
    output.writeUInt16LE(value.length, offset + 1);
    output.set(value, offset + 3);
    offset += 3 + value.length;
  }
  return output;
}

export class TlvFields {
  private constructor(private readonly fields: ReadonlyMap<number, Buffer[]>) {}

  /**
   * Undefined when the payload is malformed: a field runs past its end, or (with `rules`) a known tag
   * is repeated without being repeatable or has a size other than its table's.
   */
  static decode(payload: Buffer, rules: FieldRules = {}): TlvFields | undefined {
    const fields = new Map<number, Buffer[]>();
    let offset = 0;
    while (offset < payload.length) {
      if (offset + 3 > payload.length) return undefined;
      const tag = payload[offset] as number;
      const length = payload.readUInt16LE(offset + 1);
      if (offset + 3 + length > payload.length) return undefined;
      const value = payload.subarray(offset + 3, offset + 3 + length);
      const rule = rules[tag];
      if (rule?.size !== undefined && length !== rule.size) return undefined;
      if (rule && !rule.repeatable && fields.has(tag)) return undefined;
      fields.set(tag, [...(fields.get(tag) ?? []), value]);
      offset += 3 + length;
    }
    return new TlvFields(fields);
  }

  bytes(tag: number): Buffer | undefined {
    return this.fields.get(tag)?.[0];
  }

  all(tag: number): Buffer[] {
    return this.fields.get(tag) ?? [];
  }

  string(tag: number): string | undefined {
    return this.bytes(tag)?.toString('utf8');
  }

  /** Unsigned little-endian integer of 1, 2 or 4 bytes; undefined when absent or of another size. */
  uint(tag: number): number | undefined {
    const value = this.bytes(tag);
    if (!value) return undefined;
    if (value.length === 1) return value[0];
    if (value.length === 2) return value.readUInt16LE(0);
    if (value.length === 4) return value.readUInt32LE(0);
    return undefined;
  }
}

export function u8(value: number): Buffer {
  return Buffer.from([value & 0xff]);
}

export function u16(value: number): Buffer {
  const output = Buffer.alloc(2);
  output.writeUInt16LE(value, 0);
  return output;
}

export function u32(value: number): Buffer {
  const output = Buffer.alloc(4);
  output.writeUInt32LE(value >>> 0, 0);
  return output;
}

export function utf8(value: string): Buffer {
  return Buffer.from(value, 'utf8');
}
