import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { ResourceFileError, loadResources, parseResources } from './documents';

/** The problems parseResources reports for `text` (it must throw). */
function problems(text: string, file = 'models.yaml'): string[] {
  try {
    parseResources(text, file);
  } catch (error) {
    if (error instanceof ResourceFileError) return error.problems;
    throw error;
  }
  throw new Error('expected the file to be refused');
}

const POLICY = `# a comment
apiVersion: mlops.dev/v1
kind: DeploymentPolicy
metadata:
  name: churn
spec:
  strategy: canary
  thresholds:
    maxErrorRate: 1.5
    minRequests: 10
`;

describe('resource files', () => {
  it('reads several documents of a file, each with the line it starts on', () => {
    const text = `apiVersion: mlops.dev/v1\nkind: RegisteredModel\nmetadata: {name: churn}\nspec: {promotionPolicy: requires-approval}\n---\n${POLICY.replace('1.5', '0.5')}`;
    const resources = parseResources(text, 'models.yaml');
    expect(resources.map((r) => [r.kind, r.name, r.source])).toEqual([['RegisteredModel', 'churn', 'models.yaml:1'], ['DeploymentPolicy', 'churn', 'models.yaml:7']]);
    expect(resources[1]!.spec).toEqual({ strategy: 'canary', thresholds: { maxErrorRate: 0.5, minRequests: 10 } });
    console.log('parsed 2 documents of one file with their start lines');
  });

  it('names file:line and the field path of a value out of range', () => {
    expect(problems(POLICY)).toEqual(['models.yaml:9: spec.thresholds.maxErrorRate: must be <= 1']);
    console.log('out-of-range value reported at models.yaml:9 with its field path');
  });

  it('reports every problem of every document at once: unknown fields, missing ones, bad enums, wrong kinds', () => {
    const text = [
      'apiVersion: mlops.dev/v1\nkind: Dataset\nmetadata: {name: rides}\nspec:\n  entityColumn: id\n  columns:\n    - name: id\n      type: integer\n      nulable: true',
      'apiVersion: mlops.dev/v2\nkind: Datasets\nmetadata: {name: x}\nspec: {}',
      'apiVersion: mlops.dev/v1\nkind: FeatureView\nmetadata: {name: Bad_Name}\nspec:\n  dataset: rides\n  features:\n    - name: f\n      column: a\n      expression: a + 1',
    ].join('\n---\n');
    expect(problems(text, 'data.yaml')).toEqual([
      'data.yaml:4: spec.eventTimeColumn: is required',
      'data.yaml:9: spec.columns[0].nulable: unknown field',
      'data.yaml:8: spec.columns[0].type: must be one of "float", "int", "string", "bool", "timestamp"',
      'data.yaml:12: kind: must be one of Dataset, FeatureView, RegisteredModel, TrainingSpec, DeploymentPolicy, MonitoringPolicy',
      'data.yaml:18: metadata.name: must match ^[a-z][a-z0-9_-]{0,62}$',
      'data.yaml:22: spec.features[0]: must have exactly one of column, expression, bucketize, oneHot, window',
    ]);
    console.log('6 problems in 3 documents, each with file:line and field');
  });

  it('names the line of a YAML syntax error, and refuses a document that is not a mapping', () => {
    expect(problems('apiVersion: mlops.dev/v1\nkind: [Dataset\n', 'bad.yaml')[0]).toMatch(/^bad\.yaml:\d: /);
    expect(problems('- just\n- a list\n', 'list.yaml')).toEqual(['list.yaml:1: a resource must be a mapping with apiVersion, kind, metadata and spec']);
    console.log('syntax error and non-mapping document refused with their lines');
  });

  it('reads a folder recursively and refuses a resource declared twice, naming both places', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'resources-'));
    try {
      const model = 'apiVersion: mlops.dev/v1\nkind: RegisteredModel\nmetadata: {name: churn}\nspec: {}\n';
      writeFileSync(path.join(dir, 'a.yaml'), model);
      writeFileSync(path.join(dir, 'notes.txt'), 'not a resource');
      expect(loadResources([dir]).map((r) => r.source)).toEqual([path.join(dir, 'a.yaml:1')]);
      writeFileSync(path.join(dir, 'b.yml'), `---\n${model}`);
      expect(() => loadResources([dir])).toThrow(`${path.join(dir, 'b.yml')}:2: RegisteredModel/churn is already declared at ${path.join(dir, 'a.yaml')}:1`);
      expect(() => loadResources([path.join(dir, 'missing')])).toThrow('no such file or folder');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    console.log('folder read (only .yaml/.yml), duplicate declaration refused with both lines');
  });

  it('accepts the examples/project files', () => {
    const resources = loadResources([path.resolve(__dirname, '../../../../examples/project')]);
    expect(resources.map((r) => `${r.kind}/${r.name}`).sort()).toEqual([
      'Dataset/demo-rides', 'DeploymentPolicy/demo-late-rides', 'FeatureView/demo-ride-features',
      'MonitoringPolicy/demo-late-rides', 'RegisteredModel/demo-late-rides', 'TrainingSpec/demo-late-rides-nightly',
    ]);
    console.log('examples/project: 6 resources valid');
  });
});
