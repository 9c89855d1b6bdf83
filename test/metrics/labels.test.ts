import { describe, expect, it } from 'vitest';
import { compareLabels, encodeLabels, labelList, resolveClassifierLabels } from '../../metrics/index.js';
import { EvalflowError } from '../../src/core/errors.js';

describe('labelList', () => {
  it('sorts numbers ascending', () => {
    expect(labelList([3, -1, 2.5, 3], [10, -1])).toEqual([-1, 2.5, 3, 10]);
  });

  it('sorts strings by code point, as NumPy does', () => {
    expect(labelList(['b', 'a', 'B', 'é'], ['A'])).toEqual(['A', 'B', 'a', 'b', 'é']);
    // U+FF01 < U+1F600 by code point, although its UTF-16 unit is larger than the surrogate's
    expect(labelList(['😀', '\uff01'])).toEqual(['\uff01', '😀']);
    expect(['😀', '\uff01'].sort()).toEqual(['😀', '\uff01']); // what a plain JS sort would give
  });

  it('sorts false before true', () => {
    expect(labelList([true, false, true])).toEqual([false, true]);
  });

  it('rejects mixed label types, naming both rows', () => {
    expect(() => labelList([1, 2], ['1', '2'])).toThrow(/targets\[0\] is a number but predictions\[0\] is a string/);
    expect(() => labelList([true, 1])).toThrow(/one type/);
    expect(() => compareLabels(1, 'a')).toThrow(EvalflowError);
  });

  it('rejects NaN and missing labels with the row index', () => {
    expect(() => labelList([0, 1, NaN])).toThrow(/targets\[2\] is NaN/);
    expect(() => labelList(Float64Array.of(0, NaN))).toThrow(/targets\[1\] is NaN/);
    expect(() => labelList(['a', null as unknown as string])).toThrow(/targets\[1\] is null/);
  });
});

describe('resolveClassifierLabels (spec §1)', () => {
  it('makes the largest label positive by default', () => {
    expect(resolveClassifierLabels({ yTrue: ['no', 'yes'], yPred: ['yes', 'yes'] })).toEqual({
      labels: ['no', 'yes'],
      binary: true,
      posLabel: 'yes',
      posIndex: 1,
    });
  });

  it('keeps a given posLabel without reordering the label list', () => {
    const r = resolveClassifierLabels({ yTrue: [0, 1], yPred: [1, 1], posLabel: 0 });
    expect(r.labels).toEqual([0, 1]);
    expect(r.posLabel).toBe(0);
    expect(r.posIndex).toBe(0);
  });

  it("rejects a posLabel outside the label list with MLflow's message", () => {
    expect(() => resolveClassifierLabels({ yTrue: [0, 1], yPred: [0, 1], posLabel: 2 })).toThrow(
      "'pos_label' 2 must exist in 'label_list' [0, 1].",
    );
    expect(() =>
      resolveClassifierLabels({ yTrue: ['a', 'b'], yPred: ['a', 'b'], labelList: ['b', 'a'], posLabel: 'c' }),
    ).toThrow("'pos_label' c must exist in 'label_list' ['b', 'a'].");
    expect(() => resolveClassifierLabels({ yTrue: [true, false], yPred: [true, true], posLabel: 1 })).toThrow(
      "'pos_label' 1 must exist in 'label_list' [False, True].",
    );
  });

  it("rejects fewer than two labels with MLflow's message", () => {
    expect(() => resolveClassifierLabels({ yTrue: [1, 1], yPred: [1, 1] })).toThrow(
      'Evaluation dataset for classification must contain at least two unique labels, but only 1 unique labels were found.',
    );
  });

  it('is multiclass from three labels, counting predicted-only classes; posLabel is ignored', () => {
    const r = resolveClassifierLabels({ yTrue: [1, 0, 1, 1], yPred: [1, 2, 0, 0], posLabel: 7 });
    expect(r).toEqual({ labels: [0, 1, 2], binary: false, posLabel: null, posIndex: -1 });
  });

  it('uses a given label list, sorted, even with labels the data lacks', () => {
    const r = resolveClassifierLabels({ yTrue: [1, 1], yPred: [1, 1], labelList: [2, 0, 1] });
    expect(r.labels).toEqual([0, 1, 2]);
    expect(r.binary).toBe(false);
  });

  it('rejects a value outside a given label list, and duplicates in it', () => {
    expect(() => resolveClassifierLabels({ yTrue: [0, 1], yPred: [0, 5], labelList: [0, 1] })).toThrow(
      /predictions\[1\] is 5, which is not in 'label_list' \[0, 1\]/,
    );
    expect(() => resolveClassifierLabels({ yTrue: [0, 1], yPred: [0, 1], labelList: [0, 1, 1] })).toThrow(
      /more than once/,
    );
    expect(() => resolveClassifierLabels({ yTrue: [0, 1], yPred: [0, 1], labelList: ['0', '1'] })).toThrow(/one type/);
  });
});

describe('encodeLabels', () => {
  it('maps labels to class indices', () => {
    expect(Array.from(encodeLabels(['b', 'a', 'b'], ['a', 'b']))).toEqual([1, 0, 1]);
  });

  it('names the row of an unknown label', () => {
    expect(() => encodeLabels(['a', 'z'], ['a', 'b'], 'targets')).toThrow(/targets\[1\] is 'z'/);
  });
});
