import { describe, expect, it } from 'vitest';
import { ErrorCode } from '../../../src/core/errors.js';
import { likeToGlob, likeToSqliteLike } from '../../../src/store/search/like-pattern.js';
import { decodePageToken, encodePageToken } from '../../../src/store/search/page-token.js';

describe('LIKE pattern translation', () => {
  it.each([
    ['abc', 'abc'],
    ['a%', 'a*'],
    ['_b_', '?b?'],
    ['%a*b?c[d]%', '*a[*]b[?]c[[]d]*'],
    ['100\\%', '100%'],
    ['a\\_b', 'a_b'],
    ['a\\\\b', 'a\\b'],
    ['a\\*', 'a[*]'],
    ['trailing\\', 'trailing\\'],
    ['ünï%', 'ünï*'],
  ])('LIKE %j becomes GLOB %j', (like, glob) => {
    expect(likeToGlob(like)).toBe(glob);
  });

  it.each([
    ['abc', 'abc'],
    ['a%_', 'a%_'],
    ['100\\%', '100\\%'],
    ['a\\_b', 'a\\_b'],
    ['a\\\\b', 'a\\\\b'],
    ['*?[', '*?['],
    ['trailing\\', 'trailing\\\\'],
  ])("ILIKE %j becomes LIKE %j with ESCAPE '\\'", (ilike, like) => {
    expect(likeToSqliteLike(ilike)).toBe(like);
  });
});

describe('page tokens', () => {
  it("are MLflow's base64 of {\"offset\": n}", () => {
    expect(encodePageToken(3)).toBe(Buffer.from('{"offset": 3}').toString('base64'));
    expect(decodePageToken(encodePageToken(3))).toBe(3);
    expect(decodePageToken(encodePageToken(0))).toBe(0);
    expect(decodePageToken(encodePageToken(123456))).toBe(123456);
  });

  it('decode a missing or empty token to offset 0', () => {
    expect(decodePageToken(undefined)).toBe(0);
    expect(decodePageToken(null)).toBe(0);
    expect(decodePageToken('')).toBe(0);
  });

  it('accept compact JSON and a numeric string offset', () => {
    expect(decodePageToken(Buffer.from('{"offset":7}').toString('base64'))).toBe(7);
    expect(decodePageToken(Buffer.from('{"offset": "8"}').toString('base64'))).toBe(8);
  });

  it.each([
    ['not base64', 'not base64!'],
    ['bad padding', 'abc'],
    ['not JSON', Buffer.from('hello').toString('base64')],
    ['no offset', Buffer.from('{"page": 2}').toString('base64')],
    ['negative offset', Buffer.from('{"offset": -1}').toString('base64')],
    ['fractional offset', Buffer.from('{"offset": 1.5}').toString('base64')],
    ['JSON null', Buffer.from('null').toString('base64')],
  ])('reject a malformed token (%s) with INVALID_PARAMETER_VALUE', (_, token) => {
    expect(() => decodePageToken(token)).toThrow(expect.objectContaining({ code: ErrorCode.INVALID_PARAMETER_VALUE }));
    expect(() => decodePageToken(token)).toThrow(/^Invalid page token/);
  });

  it('refuse to encode a negative or fractional offset', () => {
    expect(() => encodePageToken(-1)).toThrow(/Invalid page offset/);
    expect(() => encodePageToken(1.5)).toThrow(/Invalid page offset/);
  });
});
