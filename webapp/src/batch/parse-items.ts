// Parsing of the batch page's files: plain functions, so the tests import them directly.
/** One item of a batch job: a text, or an object whose fields the model reads. */
export type BatchItem = string | Readonly<Record<string, unknown>>;

/** One CSV record (RFC 4180: quoted fields may hold commas, quotes doubled, and line breaks). */
function csvRecords(text: string): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let field = '';
  let quoted = false;
  for (let index = 0; index < text.length; index++) {
    const char = text.charAt(index);
    if (quoted) {
      if (char === '"' && text[index + 1] === '"') {
        field += '"';
        index++;
      } else if (char === '"') quoted = false;
      else field += char;
    } else if (char === '"' && field === '') quoted = true;
    else if (char === ',') {
      record.push(field);
      field = '';
    } else if (char === '\n' || char === '\r') {
      if (char === '\r' && text[index + 1] === '\n') index++;
      record.push(field);
      records.push(record);
      record = [];
      field = '';
    } else field += char;
  }
  if (field !== '' || record.length > 0) records.push([...record, field]);
  return records.filter((fields) => fields.some((value) => value.trim() !== ''));
}

/** A CSV file with a header row: one object per record, keyed by the header. */
export function parseCsv(text: string): BatchItem[] {
  const [header, ...rows] = csvRecords(text.replace(/^\uFEFF/, ''));
  if (header === undefined) return [];
  return rows.map((row) => Object.fromEntries(header.map((name, index) => [name.trim(), row[index] ?? ''])));
}

/** JSON Lines: each non-empty line a JSON string or object; throws naming the first bad line. */
export function parseJsonLines(text: string): BatchItem[] {
  return text
    .replace(/^\uFEFF/, '')
    .split(/\r?\n/)
    .flatMap((line, index) => {
      if (line.trim() === '') return [];
      let value: unknown;
      try {
        value = JSON.parse(line);
      } catch {
        throw new Error(`Line ${index + 1} is not JSON`);
      }
      if (typeof value === 'string') return [value];
      if (typeof value === 'object' && value !== null && !Array.isArray(value)) return [{ ...value }];
      throw new Error(`Line ${index + 1} is neither a text nor an object`);
    });
}

/** Items from a file, by its name: .csv as CSV, anything else as JSON Lines. */
export function parseItems(fileName: string, text: string): BatchItem[] {
  return fileName.toLowerCase().endsWith('.csv') ? parseCsv(text) : parseJsonLines(text);
}

const cell = (value: unknown): string => {
  const text = typeof value === 'string' ? value : value === undefined ? '' : JSON.stringify(value);
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
};

/** Rows as CSV with a header, quoting what needs it. */
export function toCsv(
  columns: readonly string[],
  rows: readonly Readonly<Record<string, unknown>>[],
): string {
  return [
    columns.map(cell).join(','),
    ...rows.map((row) => columns.map((column) => cell(row[column])).join(',')),
  ].join('\r\n');
}
