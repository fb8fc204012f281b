import { mergeOverrides, resolveAll, resolvePlaceholders } from '../../../src/shared/connectors/definition';

describe('the definition the code sees', () => {
  it('when overrides are merged, then objects merge key by key and other values replace', () => {
    expect(
      mergeOverrides({ a: 1, nested: { x: 1, y: 2 }, list: [1] }, { nested: { y: 3 }, list: [2], b: 'new' }),
    ).toEqual({
      a: 1,
      nested: { x: 1, y: 3 },
      list: [2],
      b: 'new',
    });
    expect(mergeOverrides(undefined, { a: 1 })).toEqual({ a: 1 });
  });

  it('when overrides carry __proto__ or constructor keys, then no prototype is touched', () => {
    const overrides = JSON.parse(
      '{"__proto__": {"polluted": true}, "constructor": {"prototype": {"polluted": true}}}',
    ) as Record<string, unknown>;
    const merged = mergeOverrides({}, overrides);
    expect(({} as { polluted?: boolean }).polluted).toBeUndefined();
    expect(Object.keys(merged)).toEqual([]);
  });

  it('when strings hold {{env:KEY}}, then each known key is replaced and unknown ones stay', () => {
    const env = { A: 'alpha', B: 'beta' };
    expect(resolvePlaceholders('{{env:A}}-{{ env:B }}-{{env:C}}', env)).toBe('alpha-beta-{{env:C}}');
    expect(resolveAll({ list: ['{{env:A}}', 3], deep: { v: 'x {{env:B}}' } }, env)).toEqual({
      list: ['alpha', 3],
      deep: { v: 'x beta' },
    });
  });

  it('when a value itself looks like a placeholder, then it is not resolved a second time', () => {
    expect(resolvePlaceholders('{{env:A}}', { A: '{{env:B}}', B: 'no' })).toBe('{{env:B}}');
  });
});
