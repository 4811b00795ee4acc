import { searchFingerprint, searchOffset, searchPageSize, searchPageToken } from './search-page';

describe('search pages', () => {
  const fingerprint = searchFingerprint('versions', [{ field: 'name', comparator: '=', value: 'a' }], [{ field: 'name', descending: false }]);

  it('sizes a page from max_results: 0 is the default, over 1000 is refused', () => {
    expect(searchPageSize(0)).toBe(100);
    expect(searchPageSize(1)).toBe(1);
    expect(searchPageSize(1000)).toBe(1000);
    for (const bad of [1001, -1, 1.5]) expect(() => searchPageSize(bad)).toThrow(`max_results must be between 1 and 1000 (0 means 100), got ${bad}`);
  });

  it('gives tokens that continue at their offset, for the same search only', () => {
    expect(searchOffset('', fingerprint)).toBe(0);
    expect(searchOffset(searchPageToken(300, fingerprint), fingerprint)).toBe(300);
    const other = searchFingerprint('versions', [{ field: 'name', comparator: '=', value: 'b' }], [{ field: 'name', descending: false }]);
    expect(other).not.toBe(fingerprint);
    expect(searchFingerprint('models', [], [])).not.toBe(searchFingerprint('versions', [], []));
    expect(() => searchOffset(searchPageToken(300, other), fingerprint)).toThrow('page_token belongs to another search: give the filter and order_by of the first page');
  });

  it('refuses tokens it never gave, and offsets past the deepest page', () => {
    const forged = (text: string) => Buffer.from(text).toString('base64url');
    for (const token of ['junk!', forged(`0.${fingerprint}`), forged(`-5.${fingerprint}`), forged(`12.short`), `${searchPageToken(3, fingerprint)}=`]) {
      expect(() => searchOffset(token, fingerprint)).toThrow(`page_token "${token}" is not one this service gave`);
    }
    expect(() => searchOffset(searchPageToken(1_000_001, fingerprint), fingerprint)).toThrow('page_token is past the first 1000000 results: narrow the filter instead');
  });
});
