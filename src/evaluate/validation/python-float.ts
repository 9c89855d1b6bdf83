/**
 * Formats a number exactly as Python's `str(float)` (= `repr(float)`) does, so that validation messages read the same
 * as MLflow's: `0.8`, `1.0`, `1e-06`, `1e+16`, `0.27001000000000003`, `-0.0`, `inf`, `nan`.
 *
 * Both languages print the shortest digit string that round-trips to the same double, so the digits come from
 * `toExponential()` (no argument = shortest round-trip); only the layout differs. Python writes the exponent form when
 * the decimal exponent is below -4 or at least 16 (JS switches at -7 and 21), always with a sign and at least two
 * exponent digits, and gives integral values a trailing `.0`.
 *
 * JS has no int type, so every number prints as a float: a threshold of `1` prints `1.0`, where Python would print
 * `1` for an int and `1.0` for a float.
 */
export function formatPythonFloat(value: number): string {
  if (Number.isNaN(value)) return 'nan';
  if (value === Infinity) return 'inf';
  if (value === -Infinity) return '-inf';

  const sign = value < 0 || Object.is(value, -0) ? '-' : '';
  const [mantissa = '0', exponentText = '0'] = Math.abs(value).toExponential().split('e');
  const digits = mantissa.replace('.', '');
  const exponent = Number(exponentText);

  if (exponent < -4 || exponent >= 16) {
    const exponentDigits = String(Math.abs(exponent)).padStart(2, '0');
    return `${sign}${mantissa}e${exponent < 0 ? '-' : '+'}${exponentDigits}`;
  }
  if (exponent < 0) {
    return `${sign}0.${'0'.repeat(-exponent - 1)}${digits}`;
  }
  const integerLength = exponent + 1;
  if (digits.length <= integerLength) {
    return `${sign}${digits.padEnd(integerLength, '0')}.0`;
  }
  return `${sign}${digits.slice(0, integerLength)}.${digits.slice(integerLength)}`;
}
