import { parseCsv, parseItems, parseJsonLines, toCsv } from '../../webapp/src/batch/parse-items';

describe("the web app's batch files", () => {
  it('when a CSV has quoted fields with commas, quotes and line breaks, then each record is one object by the header', () => {
    const csv = '\uFEFFtext,source\r\n"Contoso, Ltd ""CTS""",wiki\r\n"two\nlines",\r\n\r\nplain,news\n';
    expect(parseCsv(csv)).toEqual([
      { text: 'Contoso, Ltd "CTS"', source: 'wiki' },
      { text: 'two\nlines', source: '' },
      { text: 'plain', source: 'news' },
    ]);
  });

  it('when JSON Lines hold texts and objects, then each line is an item, and a bad line is named', () => {
    expect(parseJsonLines('"a"\n\n{"text":"b"}\r\n')).toEqual(['a', { text: 'b' }]);
    expect(() => parseJsonLines('"a"\n{oops')).toThrow('Line 2 is not JSON');
    expect(() => parseJsonLines('[1]')).toThrow('Line 1 is neither a text nor an object');
    expect(parseItems('items.CSV', 'x\n1')).toEqual([{ x: '1' }]);
  });

  it('when results are written as CSV, then what needs quoting is quoted and the CSV reads back the same', () => {
    const rows = [
      { index: 0, input: 'a, "b"', name: 'Contoso' },
      { index: 1, input: 'c', name: undefined },
    ];
    const csv = toCsv(['index', 'input', 'name'], rows);
    expect(csv).toBe('index,input,name\r\n0,"a, ""b""",Contoso\r\n1,c,');
    expect(parseCsv(csv)).toEqual([
      { index: '0', input: 'a, "b"', name: 'Contoso' },
      { index: '1', input: 'c', name: '' },
    ]);
  });
});
