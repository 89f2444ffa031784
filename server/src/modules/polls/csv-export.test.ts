import { describe, expect, test } from 'bun:test';
import { csvCell } from './csv-export.ts';

describe('CSV cells (formula injection)', () => {
  test('a cell a spreadsheet would evaluate is prefixed with a quote, then quoted as RFC 4180 requires', () => {
    expect(csvCell('=HYPERLINK("http://evil.example","x")')).toBe(
      '"\'=HYPERLINK(""http://evil.example"",""x"")"',
    );
    expect(csvCell('+cmd|" /C calc"!A0')).toBe('"\'+cmd|"" /C calc""!A0"');
    expect(csvCell('-2+3')).toBe("'-2+3");
    expect(csvCell('@SUM(A1:A9)')).toBe("'@SUM(A1:A9)");
    expect(csvCell('\t=1+1')).toBe("'\t=1+1");
    expect(csvCell('\r=1+1')).toBe(`"'\r=1+1"`);
  });

  test('ordinary text, numbers and empty cells pass unchanged', () => {
    expect(csvCell('Jupiter')).toBe('Jupiter');
    expect(csvCell('a, b')).toBe('"a, b"');
    expect(csvCell(42)).toBe('42');
    expect(csvCell(null)).toBe('');
  });
});
