/**
 * Reads an RFC 4180 CSV (as the station's audit export writes it: header row, CRLF, quoted fields
 * with doubled quotes) into one record per row, keyed by the header. A cell the export guarded
 * against formula injection (a leading `'`) is read back without it.
 */
export function csvRecords(text: string): Record<string, string>[] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let index = 0; index < text.length; index++) {
    const char = text[index];
    if (quoted) {
      if (char === '"' && text[index + 1] === '"') {
        field += '"';
        index++;
      } else if (char === '"') {
        quoted = false;
      } else {
        field += char;
      }
    } else if (char === '"') {
      quoted = true;
    } else if (char === ',') {
      row.push(field);
      field = '';
    } else if (char === '\r' && text[index + 1] === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      index++;
    } else {
      field += char;
    }
  }
  if (field !== '' || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  const [header, ...body] = rows;
  if (!header) return [];
  return body.map((cells) => {
    if (cells.length !== header.length) {
      throw new Error(`CSV row has ${cells.length} cells, the header ${header.length}: ${cells.join(',')}`);
    }
    return Object.fromEntries(header.map((key, at) => [key, unguard(cells[at] ?? '')]));
  });
}

function unguard(cell: string): string {
  return /^'[=+\-@\t\r']/.test(cell) ? cell.slice(1) : cell;
}
