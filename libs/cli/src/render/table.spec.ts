import { displayWidth, renderKeyValues, renderTable, truncate } from './table';

describe('renderTable', () => {
  it('pads columns to the widest cell, upper-cases headers and leaves no trailing blanks', () => {
    const out = renderTable([{ header: 'model' }, { header: 'latest', align: 'right' }, { header: 'aliases' }], [
      ['churn', 'v3', 'production=v3'],
      ['fraud-detector', 'v12', ''],
    ]);
    expect(out.split('\n')).toEqual([
      'MODEL           LATEST  ALIASES',
      'churn               v3  production=v3',
      'fraud-detector     v12',
    ]);
  });

  it('prints the empty text instead of a lone header', () => {
    expect(renderTable([{ header: 'model' }], [], { empty: 'no models' })).toBe('no models');
    expect(renderTable([{ header: 'model' }], [])).toBe('MODEL');
  });

  it('cuts cells at maxWidth with an ellipsis', () => {
    const out = renderTable([{ header: 'reason', maxWidth: 8 }, { header: 'n' }], [['rolled back: divergence', 1]]);
    expect(out.split('\n')).toEqual(['REASON    N', 'rolled …  1']);
  });

  it('shrinks only the flex column to fit the width', () => {
    const rows = [['d1', 'a long reason that does not fit', 'x']];
    const out = renderTable([{ header: 'id' }, { header: 'reason', flex: true }, { header: 'z' }], rows, { width: 20 });
    expect(out.split('\n')).toEqual(['ID  REASON         Z', 'd1  a long reaso…  x']);
    for (const line of out.split('\n')) expect(displayWidth(line)).toBeLessThanOrEqual(20);
  });

  it('renders values of any type and keeps cells on one line', () => {
    const out = renderTable([{ header: 'a' }, { header: 'b' }, { header: 'c' }], [[0, null, 'two\nlines']]);
    expect(out.split('\n')[1]).toBe('0     two lines');
  });

  it('counts code points, so symbols do not break the alignment', () => {
    expect(displayWidth('✓ ok')).toBe(4);
    expect(truncate('αβγδε', 3)).toBe('αβ…');
    expect(truncate('abc', 3)).toBe('abc');
  });
});

describe('renderKeyValues', () => {
  it('aligns values and leaves out undefined ones', () => {
    expect(renderKeyValues([['model', 'churn'], ['skipped', undefined], ['latest version', 3], ['empty', '']]).split('\n')).toEqual([
      'model:          churn',
      'latest version: 3',
      'empty:',
    ]);
  });
});
