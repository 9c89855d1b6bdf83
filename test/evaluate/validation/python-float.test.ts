import { describe, expect, it } from 'vitest';

import { formatPythonFloat } from '../../../src/evaluate/validation/python-float.js';

// Expected strings come from `/usr/bin/python3 -c 'print(str(x))'` (CPython 3), committed here as data.
const cases: Array<[number, string]> = [
  [0.8, '0.8'],
  [0.721, '0.721'],
  [0.05, '0.05'],
  [0.22001 + 0.05, '0.27001000000000003'],
  [0.1 + 0.2, '0.30000000000000004'],
  [1 / 3, '0.3333333333333333'],
  [2 / 3, '0.6666666666666666'],
  [3.14159, '3.14159'],
  [4.35, '4.35'],
  [-1.5, '-1.5'],
  [1, '1.0'],
  [0, '0.0'],
  [-0, '-0.0'],
  [100, '100.0'],
  [65536, '65536.0'],
  [123456789.123, '123456789.123'],
  // The small end: fixed notation down to 1e-4, exponent notation (two exponent digits at least) below it.
  [1e-4, '0.0001'],
  [0.00012345, '0.00012345'],
  [1e-4 * 3, '0.00030000000000000003'],
  [1e-5, '1e-05'],
  [0.000001, '1e-06'],
  [1.5e-7, '1.5e-07'],
  [-2.5e-5, '-2.5e-05'],
  [1e-10, '1e-10'],
  [123e-20, '1.23e-18'],
  [-1e-100, '-1e-100'],
  [2.2250738585072014e-308, '2.2250738585072014e-308'],
  [5e-324, '5e-324'],
  // The large end: fixed notation up to 16 integer digits, exponent notation from 1e16 on.
  [1e15, '1000000000000000.0'],
  [1234567890123456, '1234567890123456.0'],
  [9999999999999998, '9999999999999998.0'],
  [1e16, '1e+16'],
  [12345678901234567, '1.2345678901234568e+16'],
  [1e21, '1e+21'],
  [1e22, '1e+22'],
  [1e100, '1e+100'],
  [1e301, '1e+301'],
  [1.7976931348623157e308, '1.7976931348623157e+308'],
  [Infinity, 'inf'],
  [-Infinity, '-inf'],
  [NaN, 'nan'],
];

describe('formatPythonFloat', () => {
  it.each(cases)('formats %s as Python str(float) does: %s', (value, expected) => {
    expect(formatPythonFloat(value)).toBe(expected);
  });
});

describe('formatPythonFloat on arbitrary doubles', () => {
  // A deterministic spread of doubles from 1e-320 to 1e300, both signs: whatever the layout, the text must parse back
  // to the same number and have Python's shape (exponent form exactly outside [1e-4, 1e16)).
  const values = Array.from({ length: 2000 }, (_, index) => {
    const magnitude = 10 ** (((index * 7919) % 620) - 320) * (1 + ((index * 104729) % 1000) / 997);
    return index % 2 === 0 ? magnitude : -magnitude;
  });

  it('round-trips and switches to exponent form exactly where Python does', () => {
    for (const value of values) {
      const text = formatPythonFloat(value);
      expect(Number(text), text).toBe(value);
      const absolute = Math.abs(value);
      const exponentForm = /e[+-]\d{2,3}$/.test(text);
      expect(exponentForm, text).toBe(absolute !== 0 && (absolute < 1e-4 || absolute >= 1e16));
      if (!exponentForm) expect(text, text).toMatch(/^-?\d+\.\d+$/);
    }
  });
});
