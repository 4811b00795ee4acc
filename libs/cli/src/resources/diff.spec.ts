import { overlay, renderChange, specDiff } from './diff';

describe('spec diffs', () => {
  it('lays the file over the current spec: left-out fields stay, records merge, maps and lists are replaced', () => {
    const current = { strategy: 'canary', intervalSeconds: 30, canarySteps: [10, 50, 100], thresholds: { maxErrorRate: 0.01, minRequests: 20 }, tags: { a: '1', b: '2' } };
    const desired = { canarySteps: [50, 100], thresholds: { maxErrorRate: 0.005 }, tags: { a: '1' } };
    expect(overlay(current, desired, { maps: ['tags'] })).toEqual({ strategy: 'canary', intervalSeconds: 30, canarySteps: [50, 100], thresholds: { maxErrorRate: 0.005, minRequests: 20 }, tags: { a: '1' } });
    console.log('overlay: omitted fields kept, nested record merged, map and list replaced');
  });

  it('lists each changed field with + - ~, and nothing when equal whatever the key order', () => {
    const current = { thresholds: { maxErrorRate: 0.01, minRequests: 20 }, tags: { a: '1', b: '2' } };
    const next = { tags: { a: '1', c: '3' }, thresholds: { minRequests: 20, maxErrorRate: 0.005 } };
    expect(specDiff(current, next).map(renderChange)).toEqual(['~ spec.thresholds.maxErrorRate: 0.01 → 0.005', '- spec.tags.b: "2"', '+ spec.tags.c: "3"']);
    expect(specDiff(current, { tags: { b: '2', a: '1' }, thresholds: { minRequests: 20, maxErrorRate: 0.01 } })).toEqual([]);
    console.log('3 field changes rendered; reordered keys compare equal');
  });

  it('compares named lists by name: added, removed and changed elements, and order where it matters', () => {
    const columns = [{ name: 'a', type: 'int' }, { name: 'b', type: 'float' }, { name: 'c', type: 'float' }];
    const next = [{ name: 'b', type: 'string' }, { name: 'a', type: 'int' }, { name: 'd', type: 'bool' }];
    expect(specDiff({ columns }, { columns: next }, { named: { columns: { ordered: false } } }).map(renderChange)).toEqual([
      '- spec.columns[c]: {"name":"c","type":"float"}',
      '~ spec.columns[b].type: "float" → "string"',
      '+ spec.columns[d]: {"name":"d","type":"bool"}',
    ]);
    const reordered = specDiff({ features: columns }, { features: [columns[1], columns[0], columns[2]] }, { named: { features: { ordered: true } } });
    expect(reordered.map(renderChange)).toEqual(['~ spec.features (order): ["a","b","c"] → ["b","a","c"]']);
    console.log('named lists: element add/remove/change and order change reported');
  });

  it('a resource that does not exist yet shows every field as added', () => {
    expect(specDiff(undefined, { description: 'x', tags: { a: '1' } }).map(renderChange)).toEqual(['+ spec.description: "x"', '+ spec.tags: {"a":"1"}']);
    console.log('new resource: all fields +');
  });
});
