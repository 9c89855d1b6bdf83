/**
 * Class labels: the sorted label list, binary vs multiclass, the positive label (spec §1
 * "Classifier label rules"), and encoding labels to class indices.
 */
import { EvalflowError } from '../src/core/errors.js';

/** A class label. All labels of one evaluation must share one type. */
export type Label = string | number | boolean;

type LabelKind = 'number' | 'string' | 'boolean';

/** How a classification's labels were resolved. */
export interface ClassifierLabels {
  /**
   * The label list, sorted as NumPy sorts one dtype (numbers ascending, strings by code point,
   * `false` before `true`). Probability matrices have one column per label, in this order
   * (the order of scikit-learn's `classes_`); `posLabel` does not reorder it.
   */
  labels: Label[];
  /** True when there are exactly two labels. */
  binary: boolean;
  /** Binary only: the positive label (default: the largest label). `null` for multiclass. */
  posLabel: Label | null;
  /** Index of `posLabel` in `labels`; -1 for multiclass. */
  posIndex: number;
}

/** Labels resolved together with the class indices of the targets and predictions. */
export interface EncodedClassifierLabels extends ClassifierLabels {
  yTrue: Int32Array;
  yPred: Int32Array;
}

function isSurrogate(u: number): boolean {
  return u >= 0xd800 && u <= 0xdfff;
}

/** Strings by Unicode code point (NumPy's order), not by UTF-16 code unit. */
function compareStrings(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) {
      // Surrogates (U+D800–DFFF) encode code points above U+FFFF: move them after U+E000–FFFF.
      const fx = isSurrogate(x) ? x + 0x2000 : x >= 0xe000 ? x - 0x800 : x;
      const fy = isSurrogate(y) ? y + 0x2000 : y >= 0xe000 ? y - 0x800 : y;
      return fx - fy;
    }
  }
  return a.length - b.length;
}

/** NumPy's order for labels of one type. */
export function compareLabels(a: Label, b: Label): number {
  if (typeof a === 'string' && typeof b === 'string') return compareStrings(a, b);
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'boolean' && typeof b === 'boolean') return Number(a) - Number(b);
  throw EvalflowError.invalid(
    `Labels must all have one type (numbers, strings or booleans); got ${typeof a} ${formatLabel(a)} and ${typeof b} ${formatLabel(b)}.`,
    { kinds: [typeof a, typeof b] },
  );
}

/** A label as Python prints it inside a list (`'a'`, `1`, `True`), for MLflow's messages. */
export function formatLabel(label: Label): string {
  if (typeof label === 'string') return `'${label.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
  if (typeof label === 'boolean') return label ? 'True' : 'False';
  return String(label);
}

/** A label list as Python prints it: `[0, 1]`, `['a', 'b']`. */
export function formatLabelList(labels: readonly Label[]): string {
  return `[${labels.map(formatLabel).join(', ')}]`;
}

/** A label as an f-string prints it (no quotes): `a`, `1`, `True`. */
function strLabel(label: Label): string {
  if (typeof label === 'boolean') return label ? 'True' : 'False';
  return String(label);
}

function kindOf(value: unknown, name: string, row: number): LabelKind {
  const t = typeof value;
  if (t === 'number') {
    if (!Number.isFinite(value as number)) {
      throw EvalflowError.invalid(
        `${name}[${row}] is ${String(value)}; expected a finite number, a string or a boolean label.`,
        { field: name, row },
      );
    }
    return 'number';
  }
  if (t === 'string' || t === 'boolean') return t;
  throw EvalflowError.invalid(
    `${name}[${row}] is ${value === null ? 'null' : t}; expected a label (a number, a string or a boolean).`,
    { field: name, row },
  );
}

class KindCheck {
  kind: LabelKind | undefined;
  where = '';

  check(kind: LabelKind, name: string, row: number): void {
    if (this.kind === undefined) {
      this.kind = kind;
      this.where = `${name}[${row}]`;
    } else if (kind !== this.kind) {
      throw EvalflowError.invalid(
        `Labels must all have one type (numbers, strings or booleans): ${this.where} is a ${this.kind} but ${name}[${row}] is a ${kind}.`,
        { field: name, row, expected: this.kind, got: kind },
      );
    }
  }
}

interface Discovery {
  map: Map<Label, number>;
  uniques: Label[];
  kinds: KindCheck;
}

/** Assigns provisional ids in order of first appearance; validates every element. */
function discover(values: ArrayLike<Label>, name: string, state: Discovery): Int32Array {
  const n = values.length;
  const codes = new Int32Array(n);
  const { map, uniques, kinds } = state;
  if (ArrayBuffer.isView(values)) {
    // A typed array holds numbers only: check finiteness, not types.
    const nums = values as unknown as ArrayLike<number>;
    for (let i = 0; i < n; i++) {
      const v = nums[i]!;
      let id = map.get(v);
      if (id === undefined) {
        kinds.check(kindOf(v, name, i), name, i);
        id = uniques.length;
        map.set(v, id);
        uniques.push(v);
      }
      codes[i] = id;
    }
    return codes;
  }
  for (let i = 0; i < n; i++) {
    const v = values[i]!;
    let id = map.get(v);
    if (id === undefined) {
      kinds.check(kindOf(v, name, i), name, i);
      id = uniques.length;
      map.set(v, id);
      uniques.push(v);
    }
    codes[i] = id;
  }
  return codes;
}

function sortedUnique(labels: readonly Label[], name: string): Label[] {
  const kinds = new KindCheck();
  const seen = new Set<Label>();
  labels.forEach((l, i) => {
    kinds.check(kindOf(l, name, i), name, i);
    if (seen.has(l)) {
      throw EvalflowError.invalid(`${name} contains ${formatLabel(l)} more than once.`, { field: name, row: i });
    }
    seen.add(l);
  });
  return [...labels].sort(compareLabels);
}

/** Sorted unique labels of `yTrue` ∪ `yPred` (`np.unique(np.concatenate([y_true, y_pred]))`). */
export function labelList(yTrue: ArrayLike<Label>, yPred?: ArrayLike<Label>): Label[] {
  const state: Discovery = { map: new Map(), uniques: [], kinds: new KindCheck() };
  discover(yTrue, 'targets', state);
  if (yPred !== undefined) discover(yPred, 'predictions', state);
  return state.uniques.sort(compareLabels);
}

/** Class index of every value in `labels` (which must be sorted, unique); a value not in `labels` is an error. */
export function encodeLabels(values: ArrayLike<Label>, labels: readonly Label[], name = 'values'): Int32Array {
  const index = new Map<Label, number>();
  labels.forEach((l, i) => index.set(l, i));
  const n = values.length;
  const codes = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const v = values[i]!;
    const id = index.get(v);
    if (id === undefined) {
      kindOf(v, name, i);
      throw EvalflowError.invalid(
        `${name}[${i}] is ${formatLabel(v)}, which is not in the label list ${formatLabelList(labels)}.`,
        { field: name, row: i },
      );
    }
    codes[i] = id;
  }
  return codes;
}

/** Input of {@link resolveClassifierLabels}. */
export interface ResolveLabelsInput {
  yTrue: ArrayLike<Label>;
  yPred: ArrayLike<Label>;
  /** MLflow's `label_list`; default: sorted unique labels of targets and predictions. */
  labelList?: readonly Label[] | null | undefined;
  /** MLflow's `pos_label` (binary only; ignored for multiclass). Default: the largest label. */
  posLabel?: Label | null | undefined;
}

/** Labels of a pair of label columns, sorted, with the class index of every value. */
export interface EncodedLabelPair {
  labels: Label[];
  yTrue: Int32Array;
  yPred: Int32Array;
}

/**
 * Sorted label list (the given `labelList`, or unique labels of both columns) and the class
 * indices of targets and predictions. Errors: length mismatch, empty input, mixed label types,
 * non-finite or missing labels, a value missing from a given `labelList`. One hash lookup per row.
 */
export function encodeLabelPair(
  yTrue: ArrayLike<Label>,
  yPred: ArrayLike<Label>,
  labelList?: readonly Label[] | null,
): EncodedLabelPair {
  if (yTrue.length !== yPred.length) {
    throw EvalflowError.invalid(
      `targets and predictions must have the same length; got ${yTrue.length} targets and ${yPred.length} predictions.`,
      { targets: yTrue.length, predictions: yPred.length },
    );
  }
  if (yTrue.length === 0) {
    throw EvalflowError.invalid('Cannot compute classification metrics on an empty dataset (0 rows).', { rows: 0 });
  }
  const state: Discovery = { map: new Map(), uniques: [], kinds: new KindCheck() };
  const codesTrue = discover(yTrue, 'targets', state);
  const codesPred = discover(yPred, 'predictions', state);

  let labels: Label[];
  if (labelList !== undefined && labelList !== null) {
    labels = sortedUnique(labelList, 'label_list');
    const first = labels[0];
    if (first !== undefined && state.kinds.kind !== undefined) {
      state.kinds.check(kindOf(first, 'label_list', 0), 'label_list', 0);
    }
  } else {
    labels = [...state.uniques].sort(compareLabels);
  }

  // Provisional id → index in the sorted label list.
  const position = new Map<Label, number>();
  labels.forEach((l, i) => position.set(l, i));
  const remap = new Int32Array(state.uniques.length);
  state.uniques.forEach((u, id) => {
    const p = position.get(u);
    if (p === undefined) {
      const inTrue = codesTrue.indexOf(id);
      const [name, row] = inTrue >= 0 ? ['targets', inTrue] : ['predictions', codesPred.indexOf(id)];
      throw EvalflowError.invalid(
        `${name}[${row}] is ${formatLabel(u)}, which is not in 'label_list' ${formatLabelList(labels)}.`,
        { field: name, row },
      );
    }
    remap[id] = p;
  });
  let identity = true;
  for (let id = 0; id < remap.length; id++) if (remap[id] !== id) identity = false;
  if (!identity) {
    for (let i = 0; i < codesTrue.length; i++) codesTrue[i] = remap[codesTrue[i]!]!;
    for (let i = 0; i < codesPred.length; i++) codesPred[i] = remap[codesPred[i]!]!;
  }
  return { labels, yTrue: codesTrue, yPred: codesPred };
}

/**
 * Spec §1 label rules, plus the class indices of targets and predictions. Errors: those of
 * {@link encodeLabelPair}, fewer than two labels, a binary `posLabel` missing from the label list.
 */
export function encodeClassifierLabels(input: ResolveLabelsInput): EncodedClassifierLabels {
  const { labels, yTrue, yPred } = encodeLabelPair(input.yTrue, input.yPred, input.labelList);
  if (labels.length < 2) {
    throw EvalflowError.invalid(
      'Evaluation dataset for classification must contain at least two unique labels, but only ' +
        `${labels.length} unique labels were found.`,
      { labels: labels.length },
    );
  }
  const binary = labels.length === 2;
  let posIndex = -1;
  let posLabel: Label | null = null;
  if (binary) {
    if (input.posLabel === undefined || input.posLabel === null) {
      posIndex = 1;
    } else {
      posIndex = indexOfLabel(labels, input.posLabel);
      if (posIndex < 0) {
        const shown = input.labelList ?? labels;
        throw EvalflowError.invalid(
          `'pos_label' ${strLabel(input.posLabel)} must exist in 'label_list' ${formatLabelList(shown)}.`,
          { posLabel: input.posLabel },
        );
      }
    }
    posLabel = labels[posIndex]!;
  }
  return { labels, binary, posLabel, posIndex, yTrue, yPred };
}

/** Spec §1 label rules: the sorted label list, binary or multiclass, and the positive label. */
export function resolveClassifierLabels(input: ResolveLabelsInput): ClassifierLabels {
  const { labels, binary, posLabel, posIndex } = encodeClassifierLabels(input);
  return { labels, binary, posLabel, posIndex };
}

/** Index of `label` in `labels` (same type and value), or -1. */
export function indexOfLabel(labels: readonly Label[], label: Label): number {
  for (let i = 0; i < labels.length; i++) if (labels[i] === label) return i;
  return -1;
}
