import { listDirectory, onnxModelAt, parseModelSource, parseProxiedPath } from './artifact-paths';

const artifacts = [
  { path: 'model/MLmodel', sha256: 'a'.repeat(64), size: 10 },
  { path: 'model/model.onnx', sha256: 'b'.repeat(64), size: 2000 },
  { path: 'plots/loss.png', sha256: 'c'.repeat(64), size: 30 },
  { path: 'notes.txt', sha256: 'd'.repeat(64), size: 4 },
];

describe('artifact paths', () => {
  it('reads the proxied layout <experiment>/<run>/artifacts/<path>', () => {
    expect(parseProxiedPath('12/abc123/artifacts/model/model.onnx')).toEqual({ experimentId: '12', runId: 'abc123', path: 'model/model.onnx' });
    expect(parseProxiedPath('/0/r1/artifacts')).toEqual({ experimentId: '0', runId: 'r1', path: '' });
    expect(() => parseProxiedPath('12/abc/model.onnx')).toThrow(/must be <experiment id>\/<run id>\/artifacts\/<path>/);
    expect(() => parseProxiedPath('1/r/artifacts/../../etc/passwd')).toThrow(/may not contain "\.\."/);
  });

  it('resolves a model source given as runs:/ or mlflow-artifacts:/', () => {
    expect(parseModelSource('runs:/r1/model')).toEqual({ runId: 'r1', path: 'model' });
    expect(parseModelSource('mlflow-artifacts:/3/r1/artifacts/model')).toEqual({ runId: 'r1', path: 'model' });
    expect(parseModelSource('mlflow-artifacts://host:5000/3/r1/artifacts/model/model.onnx')).toEqual({ runId: 'r1', path: 'model/model.onnx' });
    expect(() => parseModelSource('s3://bucket/model')).toThrow(/is not one this server can read/);
  });

  it('finds the one ONNX file under a source, or says what to upload', () => {
    expect(onnxModelAt(artifacts, 'model', 'runs:/r/model').sha256).toBe('b'.repeat(64));
    expect(onnxModelAt(artifacts, 'model/model.onnx', 'runs:/r/model/model.onnx').size).toBe(2000);
    expect(() => onnxModelAt(artifacts, 'plots', 'runs:/r/plots')).toThrow('source "runs:/r/plots" holds no ONNX model (it holds plots/loss.png). The platform serves ONNX only');
    expect(() => onnxModelAt(artifacts, 'sklearn', 'runs:/r/sklearn')).toThrow(/nothing was uploaded there/);
    const two = [...artifacts, { path: 'model/other.onnx', sha256: 'e'.repeat(64), size: 1 }];
    expect(() => onnxModelAt(two, 'model', 'runs:/r/model')).toThrow(/holds 2 ONNX files \(model\/model.onnx, model\/other.onnx\)/);
  });

  it('lists one folder level: files with sizes, deeper paths as folders', () => {
    expect(listDirectory(artifacts, '')).toEqual([
      { path: 'model', isDir: true },
      { path: 'notes.txt', isDir: false, size: 4 },
      { path: 'plots', isDir: true },
    ]);
    expect(listDirectory(artifacts, 'model')).toEqual([
      { path: 'model/MLmodel', isDir: false, size: 10 },
      { path: 'model/model.onnx', isDir: false, size: 2000 },
    ]);
    expect(listDirectory(artifacts, 'nothing')).toEqual([]);
  });
});
