import { MlflowError } from './mlflow-error';
import { MlflowFields, toDouble } from './mlflow-fields';

const refusal = (fn: () => unknown): MlflowError => {
  try {
    fn();
  } catch (error) {
    if (error instanceof MlflowError) return error;
    throw error;
  }
  throw new Error('expected a refusal');
};

describe('MlflowFields', () => {
  it('reads int64 fields as protobuf JSON writes them (strings) and as numbers', () => {
    const f = MlflowFields.of({ start_time: '1700000000123', step: 7, empty: '' });
    expect(f.integer('start_time', 0)).toBe(1_700_000_000_123);
    expect(f.integer('step', 0)).toBe(7);
    expect(f.integer('empty', 5)).toBe(5);
    expect(f.integer('missing', 9)).toBe(9);
    expect(refusal(() => MlflowFields.of({ step: '1.5' }).integer('step', 0)).message).toBe(`Invalid value "1.5" for parameter 'step' supplied: it must be a whole number`);
    expect(refusal(() => MlflowFields.of({ max_results: 0 }).integer('max_results', 1, { min: 1, max: 10 })).errorCode).toBe('INVALID_PARAMETER_VALUE');
  });

  it("names a missing required field the way MLflow's server does", () => {
    const error = refusal(() => MlflowFields.of({}).required('run_id'));
    expect(error.toJSON()).toEqual({ error_code: 'INVALID_PARAMETER_VALUE', message: "Missing value for required parameter 'run_id'." });
    expect(error.httpStatus).toBe(400);
    expect(MlflowFields.of({ run_uuid: 'abc' }).oneOf(['run_id', 'run_uuid'])).toBe('abc');
  });

  it('takes a query string key once or repeated as a list, and bounds it', () => {
    expect(MlflowFields.of({ experiment_ids: '1' }).strings('experiment_ids', 3)).toEqual(['1']);
    expect(MlflowFields.of({ experiment_ids: ['1', '2'] }).strings('experiment_ids', 3)).toEqual(['1', '2']);
    expect(refusal(() => MlflowFields.of({ experiment_ids: ['1', '2', '3', '4'] }).strings('experiment_ids', 3)).message).toMatch(/at most 3/);
    // A scalar read of a repeated key takes the first value.
    expect(MlflowFields.of({ run_id: ['a', 'b'] }).text('run_id')).toBe('a');
  });

  it("refuses a batch over MLflow's limit with MLflow's message", () => {
    const metrics = Array.from({ length: 1001 }, (_, i) => ({ key: `m${i}`, value: 1, timestamp: 1 }));
    expect(refusal(() => MlflowFields.of({ metrics }).objects('metrics', 1000)).message).toBe(
      'A batch logging request can contain at most 1000 metrics. Got 1001 metrics. Please split up metrics across multiple requests and try again.',
    );
  });

  it('reads [{key, value}] tags as a map, a missing value as empty', () => {
    expect(MlflowFields.of({ tags: [{ key: 'a', value: '1' }, { key: 'b' }, { key: 'a', value: '2' }] }).tags('tags', 10)).toEqual({ a: '2', b: '' });
    expect(refusal(() => MlflowFields.of({ tags: [{ value: 'x' }] }).tags('tags', 10)).message).toBe("Missing value for required parameter 'key'.");
  });

  it('reads doubles in every form protobuf JSON allows', () => {
    expect(toDouble(0.5, 'v')).toBe(0.5);
    expect(toDouble('0.25', 'v')).toBe(0.25);
    expect(toDouble('NaN', 'v')).toBeNaN();
    expect(toDouble('-Infinity', 'v')).toBe(Number.NEGATIVE_INFINITY);
    expect(refusal(() => toDouble('high', 'value')).message).toBe(`Invalid value "high" for parameter 'value' supplied: it must be a number`);
    expect(refusal(() => toDouble('', 'value')).errorCode).toBe('INVALID_PARAMETER_VALUE');
  });

  it('refuses a body that is not a JSON object', () => {
    expect(refusal(() => MlflowFields.of([1, 2])).message).toBe('the request body must be a JSON object');
    expect(MlflowFields.of(undefined).has('x')).toBe(false);
  });
});
