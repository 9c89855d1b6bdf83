import { describe, expect, it } from 'vitest';
import { EvalflowError } from '../../src/core/errors.js';
import {
  confusionMatrixSpec,
  liftCurveSpec,
  lineChartSpec,
  precisionRecallCurveSpec,
  rocCurveSpec,
} from '../../src/plots/index.js';
import { curveLayer, json, legendTexts } from './helpers.js';

const binaryRoc = { fpr: [0, 0, 0.5, 1], tpr: [0, 0.5, 1, 1], auc: 0.953 };
const binaryPr = { recall: [1, 0.5, 0], precision: [0.5, 1, 1], ap: 0.8765 };

function axisTitles(spec: ReturnType<typeof rocCurveSpec>): { x: string; y: string } {
  const enc = curveLayer(spec).encoding;
  return { x: enc.x.title, y: enc.y.title };
}

describe('rocCurveSpec', () => {
  it('has the title, axis titles and a step-after line', () => {
    const spec = rocCurveSpec([binaryRoc]);
    const s = json(spec);
    expect(s.title).toBe('ROC curve');
    expect(s.$schema).toContain('vega-lite/v6');
    expect(axisTitles(spec)).toEqual({ x: 'False Positive Rate', y: 'True Positive Rate' });
    const layer = curveLayer(spec);
    expect(layer.mark.type).toBe('line');
    expect(layer.mark.interpolate).toBe('step-after');
    expect(layer.mark.order).toBe(false);
    expect(s.config.font).toContain('DejaVu Sans');
  });

  it('adds the positive-label suffix only for a truthy pos label on a binary curve', () => {
    expect(axisTitles(rocCurveSpec([binaryRoc], { posLabel: 'malignant' }))).toEqual({
      x: 'False Positive Rate (Positive label: malignant)',
      y: 'True Positive Rate (Positive label: malignant)',
    });
    expect(axisTitles(rocCurveSpec([binaryRoc], { posLabel: 1 })).x).toBe('False Positive Rate (Positive label: 1)');
    expect(axisTitles(rocCurveSpec([binaryRoc], { posLabel: true })).x).toBe(
      'False Positive Rate (Positive label: True)',
    );
    for (const posLabel of [0, '', null, undefined, false]) {
      expect(axisTitles(rocCurveSpec([binaryRoc], { posLabel }))).toEqual({
        x: 'False Positive Rate',
        y: 'True Positive Rate',
      });
    }
    // Multiclass (one curve per class): no suffix.
    const multi = rocCurveSpec(
      [
        { ...binaryRoc, label: 'a' },
        { ...binaryRoc, label: 'b' },
      ],
      { posLabel: 'a' },
    );
    expect(axisTitles(multi).x).toBe('False Positive Rate');
  });

  it('labels the legend AUC=… with three decimals, or label=c,AUC=… per class', () => {
    expect(legendTexts(rocCurveSpec([binaryRoc]))).toEqual(['AUC=0.953']);
    expect(legendTexts(rocCurveSpec([{ ...binaryRoc, auc: 0.5 }]))).toEqual(['AUC=0.500']);
    expect(legendTexts(rocCurveSpec([{ ...binaryRoc, auc: Number.NaN }]))).toEqual(['AUC=nan']);
    const spec = rocCurveSpec([
      { label: 'setosa', fpr: [0, 1], tpr: [0, 1], auc: 1 },
      { label: 'versicolor', fpr: [0, 1], tpr: [0, 1], auc: 0.87654 },
      { label: '2', fpr: [0, 1], tpr: [0, 1], auc: 0.0625 },
    ]);
    expect(legendTexts(spec)).toEqual(['label=setosa,AUC=1.000', 'label=versicolor,AUC=0.877', 'label=2,AUC=0.062']);
  });

  it('inlines the curve points in order', () => {
    const layer = curveLayer(rocCurveSpec([binaryRoc]));
    expect(layer.data.values).toEqual([{ series: 'AUC=0.953', fpr: [0, 0, 0.5, 1], tpr: [0, 0.5, 1, 1] }]);
    expect(layer.transform).toEqual([{ flatten: ['fpr', 'tpr'] }]);
    expect(layer.encoding.x).toMatchObject({ field: 'fpr', type: 'quantitative' });
    expect(layer.encoding.y).toMatchObject({ field: 'tpr', type: 'quantitative' });
    expect(layer.encoding.x.scale.domain).toEqual([0, 1]);
  });

  it('accepts typed arrays', () => {
    const layer = curveLayer(
      rocCurveSpec([{ fpr: new Float64Array([0, 0.25, 1]), tpr: new Float32Array([0, 0.75, 1]), auc: 0.8 }]),
    );
    expect(layer.data.values[0]).toMatchObject({ fpr: [0, 0.25, 1], tpr: [0, 0.75, 1] });
  });

  it('draws a dashed chance diagonal outside the legend', () => {
    const s = json(rocCurveSpec([binaryRoc]));
    const chance = s.layer[0];
    expect(chance.mark.strokeDash).toBeDefined();
    expect(chance.data.values).toEqual([
      { fpr: 0, tpr: 0 },
      { fpr: 1, tpr: 1 },
    ]);
    expect(chance.encoding.color).toBeUndefined();
  });

  it('keeps a short legend inside (bottom right) and moves a long one to the right', () => {
    expect(curveLayer(rocCurveSpec([binaryRoc])).encoding.color.legend.orient).toBe('bottom-right');
    const many = Array.from({ length: 6 }, (_, i) => ({ ...binaryRoc, label: String(i) }));
    expect(curveLayer(rocCurveSpec(many)).encoding.color.legend.orient).toBe('right');
  });

  it('rejects mismatched arrays and empty input', () => {
    expect(() => rocCurveSpec([{ fpr: [0, 1], tpr: [0], auc: 1 }])).toThrow(EvalflowError);
    expect(() => rocCurveSpec([])).toThrow(EvalflowError);
  });
});

describe('precisionRecallCurveSpec', () => {
  it('has the title, axis titles, legend and step interpolation', () => {
    const spec = precisionRecallCurveSpec([binaryPr]);
    expect(json(spec).title).toBe('Precision recall curve');
    expect(axisTitles(spec)).toEqual({ x: 'Recall', y: 'Precision' });
    expect(legendTexts(spec)).toEqual(['AP=0.876']);
    const layer = curveLayer(spec);
    expect(layer.mark.interpolate).toBe('step-after');
    // sklearn's order (recall falling) is kept, not re-sorted by x.
    expect(layer.data.values[0]).toMatchObject({ recall: [1, 0.5, 0], precision: [0.5, 1, 1] });
    expect(layer.encoding.color.legend.orient).toBe('bottom-left');
  });

  it('follows the positive-label suffix rule', () => {
    expect(axisTitles(precisionRecallCurveSpec([binaryPr], { posLabel: 'malignant' }))).toEqual({
      x: 'Recall (Positive label: malignant)',
      y: 'Precision (Positive label: malignant)',
    });
    expect(axisTitles(precisionRecallCurveSpec([binaryPr], { posLabel: 0 }))).toEqual({
      x: 'Recall',
      y: 'Precision',
    });
  });

  it('labels per-class curves label=c,AP=…', () => {
    const spec = precisionRecallCurveSpec([
      { ...binaryPr, label: '0', ap: 0.12345 },
      { ...binaryPr, label: '1', ap: 0.9999 },
    ]);
    expect(legendTexts(spec)).toEqual(['label=0,AP=0.123', 'label=1,AP=1.000']);
  });
});

describe('liftCurveSpec', () => {
  it('has the title, axis titles, one line per class and a baseline at 1', () => {
    const spec = liftCurveSpec([
      { label: '1', fraction: [0.25, 0.5, 1], lift: [2, 1.5, 1] },
      { label: '0', fraction: [0.25, 0.5, 1], lift: [1.2, 1.1, 1] },
    ]);
    const s = json(spec);
    expect(s.title).toBe('Lift Curve');
    expect(axisTitles(spec)).toEqual({ x: 'Percentage of sample', y: 'Lift' });
    expect(legendTexts(spec)).toEqual(['1', '0']);
    expect(curveLayer(spec).data.values).toEqual([
      { series: '1', fraction: [0.25, 0.5, 1], lift: [2, 1.5, 1] },
      { series: '0', fraction: [0.25, 0.5, 1], lift: [1.2, 1.1, 1] },
    ]);
    const baseline = s.layer[0];
    expect(baseline.data.values).toEqual([
      { fraction: 0, lift: 1 },
      { fraction: 1, lift: 1 },
    ]);
    expect(baseline.mark.strokeDash).toBeDefined();
  });
});

describe('lineChartSpec', () => {
  it('makes duplicate legend labels unique', () => {
    const spec = lineChartSpec(
      [
        { label: 'a', x: [0, 1], y: [0, 1] },
        { label: 'a', x: [0, 1], y: [1, 0] },
      ],
      { title: 't', xTitle: 'x', yTitle: 'y' },
    );
    expect(legendTexts(spec)).toEqual(['a', 'a (2)']);
  });

  it('rounds values to 7 significant digits', () => {
    const spec = lineChartSpec([{ label: 'a', x: [0, 1 / 3], y: [0, 2 / 3] }], {
      title: 't',
      xTitle: 'x',
      yTitle: 'y',
    });
    expect(curveLayer(spec).data.values[0]).toMatchObject({ x: [0, 0.3333333], y: [0, 0.6666667] });
  });
});

describe('confusionMatrixSpec', () => {
  const input = {
    labels: ['malignant', 'benign'],
    matrix: [
      [0.9, 0.1],
      [0.25, 0.75],
    ],
  };

  it('has the title, axis titles and the labels in the given order on both axes', () => {
    const s = json(confusionMatrixSpec(input));
    expect(s.title).toBe('Normalized confusion matrix');
    expect(s.encoding.x).toMatchObject({ field: 'predicted', title: 'Predicted label', sort: ['malignant', 'benign'] });
    expect(s.encoding.y).toMatchObject({ field: 'true', title: 'True label', sort: ['malignant', 'benign'] });
  });

  it('inlines one cell per (true, predicted) pair and prints values with two decimals', () => {
    const s = json(confusionMatrixSpec(input));
    expect(s.data.values).toEqual([
      { true: 'malignant', predicted: 'malignant', value: 0.9 },
      { true: 'malignant', predicted: 'benign', value: 0.1 },
      { true: 'benign', predicted: 'malignant', value: 0.25 },
      { true: 'benign', predicted: 'benign', value: 0.75 },
    ]);
    const [heat, text] = s.layer;
    expect(heat.mark.type).toBe('rect');
    expect(heat.encoding.color.field).toBe('value');
    expect(text.mark.type).toBe('text');
    expect(text.encoding.text).toMatchObject({ field: 'value', format: '.2f' });
  });

  it('rejects a matrix that does not match its labels, and duplicate labels', () => {
    expect(() => confusionMatrixSpec({ labels: ['a', 'b'], matrix: [[1, 0]] })).toThrow(EvalflowError);
    expect(() => confusionMatrixSpec({ labels: ['a', 'b'], matrix: [[1], [0]] })).toThrow(EvalflowError);
    expect(() => confusionMatrixSpec({ labels: ['a', 'a'], matrix: [[1, 0], [0, 1]] })).toThrow(/unique/);
    expect(() => confusionMatrixSpec({ labels: [], matrix: [] })).toThrow(EvalflowError);
  });
});
