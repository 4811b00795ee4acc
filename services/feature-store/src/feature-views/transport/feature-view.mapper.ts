import { features } from '@mlops/contracts';
import { invalidArgument } from '@mlops/errors';
import type { AggregateFn, FeatureSpec, FeatureView, FeatureViewSpec, Transform } from '../domain/feature-view';
import type { FeatureOutput } from '../domain/transforms';

const { AggregateFunction: Agg } = features;
const FNS: [number, AggregateFn][] = [
  [Agg.AGGREGATE_FUNCTION_COUNT, 'count'],
  [Agg.AGGREGATE_FUNCTION_SUM, 'sum'],
  [Agg.AGGREGATE_FUNCTION_MEAN, 'mean'],
  [Agg.AGGREGATE_FUNCTION_MIN, 'min'],
  [Agg.AGGREGATE_FUNCTION_MAX, 'max'],
];
const FN_OF = new Map(FNS);
const AGG_OF = new Map(FNS.map(([a, f]) => [f, a]));

export function toViewSpec(request: features.RegisterFeatureViewRequest): FeatureViewSpec {
  return {
    name: request.name,
    sourceDataset: request.sourceDataset,
    features: (request.features ?? []).map(toFeatureSpec),
    ttlSeconds: Number(request.ttlSeconds),
    description: request.description,
  };
}

function toFeatureSpec(f: features.Feature): FeatureSpec {
  return { name: f.name, transform: toTransform(f) };
}

function toTransform(f: features.Feature): Transform {
  if (f.column) return { kind: 'column', column: f.column.column };
  if (f.expression) return { kind: 'expression', expr: f.expression.expr };
  if (f.bucketize) return { kind: 'bucketize', column: f.bucketize.column, boundaries: f.bucketize.boundaries ?? [] };
  if (f.oneHot) return { kind: 'oneHot', column: f.oneHot.column, categories: f.oneHot.categories ?? [] };
  if (f.window) {
    const fn = FN_OF.get(f.window.function);
    if (!fn) throw invalidArgument(`feature "${f.name}": window needs a function (COUNT, SUM, MEAN, MIN, MAX)`);
    return { kind: 'window', column: f.window.column, fn, windowSeconds: Number(f.window.windowSeconds) };
  }
  throw invalidArgument(`feature "${f.name}" has no transform (column, expression, bucketize, one_hot or window)`);
}

export function toViewMessage(view: FeatureView): features.FeatureView {
  return {
    name: view.name,
    version: view.version,
    sourceDataset: view.sourceDataset,
    entityColumn: view.entityColumn,
    features: view.features.map(toFeatureMessage),
    featureNames: view.featureNames,
    ttlSeconds: view.ttlSeconds,
    description: view.description,
    createdAtMs: new Date(view.createdAt).getTime(),
  };
}

function toFeatureMessage({ name, transform: t }: FeatureSpec): features.Feature {
  switch (t.kind) {
    case 'column':
      return { name, column: { column: t.column } };
    case 'expression':
      return { name, expression: { expr: t.expr } };
    case 'bucketize':
      return { name, bucketize: { column: t.column, boundaries: t.boundaries } };
    case 'oneHot':
      return { name, oneHot: { column: t.column, categories: t.categories } };
    case 'window':
      return { name, window: { column: t.column, function: AGG_OF.get(t.fn)!, windowSeconds: t.windowSeconds } };
  }
}

export function toFeatureValue(value: FeatureOutput | undefined): features.FeatureValue {
  if (typeof value === 'number') return { numberValue: value };
  if (typeof value === 'string') return { stringValue: value };
  return {};
}

export function fromFeatureValue(value: features.FeatureValue | undefined): FeatureOutput {
  if (!value) return null;
  return value.numberValue ?? value.stringValue ?? null;
}
