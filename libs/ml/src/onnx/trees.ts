// Gradient-boosted trees as one ai.onnx.ml TreeEnsembleRegressor producing the raw scores
// [N, outputs]. Classifiers apply their link function afterwards with standard ops rather than
// through TreeEnsembleClassifier, whose post_transform and binary-class conventions differ from
// ours (and between runtimes).
import type { GradientBoostedTreesModel, TreeNode } from '../models';
import { float32AtMost } from './float32';
import { addNode, ML_DOMAIN, type GraphParts } from './proto';

/** TreeEnsembleRegressor's node and target attributes, as parallel arrays. */
interface EnsembleArrays {
  treeIds: number[];
  nodeIds: number[];
  featureIds: number[];
  modes: string[];
  values: number[];
  trueIds: number[];
  falseIds: number[];
  missingTracksTrue: number[];
  targetTreeIds: number[];
  targetNodeIds: number[];
  targetIds: number[];
  targetWeights: number[];
}

function emptyArrays(): EnsembleArrays {
  return {
    treeIds: [], nodeIds: [], featureIds: [], modes: [], values: [], trueIds: [], falseIds: [],
    missingTracksTrue: [], targetTreeIds: [], targetNodeIds: [], targetIds: [], targetWeights: [],
  };
}

/** Adds the raw-score ensemble of `model` to the graph, reading `input` and writing `output`. */
export function addTreeEnsemble(parts: GraphParts, model: GradientBoostedTreesModel, input: string, output: string): void {
  const outputs = model.baseScore.length;
  const arrays = emptyArrays();
  model.trees.forEach((iteration, i) => {
    if (iteration.length !== outputs) {
      throw new Error(`gradient_boosted_trees: iteration ${i} has ${iteration.length} trees, expected ${outputs} (one per output)`);
    }
    iteration.forEach((tree, k) => appendTree(arrays, tree, i * outputs + k, k, model.featureNames.length));
  });
  // An ensemble without trees is legal for us (the prediction is the base score) but onnxruntime
  // rejects a TreeEnsembleRegressor without nodes, so a single zero leaf stands in.
  if (arrays.treeIds.length === 0) appendTree(arrays, [zeroLeaf()], 0, 0, model.featureNames.length);
  addNode(parts, 'TreeEnsembleRegressor', [input], [output], ensembleAttributes(arrays, model.baseScore), ML_DOMAIN);
}

function zeroLeaf(): TreeNode {
  return { feature: -1, threshold: 0, left: -1, right: -1, missingGoesLeft: false, value: 0 };
}

function ensembleAttributes(a: EnsembleArrays, baseScore: number[]) {
  return {
    n_targets: { int: baseScore.length },
    base_values: { floats: baseScore },
    aggregate_function: { string: 'SUM' },
    post_transform: { string: 'NONE' },
    nodes_treeids: { ints: a.treeIds },
    nodes_nodeids: { ints: a.nodeIds },
    nodes_featureids: { ints: a.featureIds },
    nodes_modes: { strings: a.modes },
    nodes_values: { floats: a.values },
    nodes_truenodeids: { ints: a.trueIds },
    nodes_falsenodeids: { ints: a.falseIds },
    nodes_missing_value_tracks_true: { ints: a.missingTracksTrue },
    target_treeids: { ints: a.targetTreeIds },
    target_nodeids: { ints: a.targetNodeIds },
    target_ids: { ints: a.targetIds },
    target_weights: { floats: a.targetWeights },
  };
}

/**
 * Appends the nodes reachable from the root (index 0) in pre-order: onnxruntime takes the first
 * node of each tree id as its root and needs a tree's nodes to be contiguous. Node ids are our
 * array indices, so error messages and the model JSON refer to the same nodes.
 */
function appendTree(a: EnsembleArrays, tree: TreeNode[], treeId: number, target: number, featureCount: number): void {
  if (tree.length === 0) throw new Error(`gradient_boosted_trees: tree ${treeId} has no nodes`);
  const visited = new Set<number>();
  const stack = [0];
  while (stack.length > 0) {
    const id = stack.pop() as number;
    const node = tree[id];
    if (node === undefined || visited.has(id)) {
      throw new Error(`gradient_boosted_trees: tree ${treeId} refers to node ${id} ${node ? 'twice' : 'which does not exist'}`);
    }
    visited.add(id);
    a.treeIds.push(treeId);
    a.nodeIds.push(id);
    if (node.feature < 0) {
      appendLeaf(a, node, treeId, id, target);
    } else {
      appendSplit(a, node, treeId, id, featureCount);
      stack.push(node.right, node.left);
    }
  }
}

function appendLeaf(a: EnsembleArrays, node: TreeNode, treeId: number, id: number, target: number): void {
  a.featureIds.push(0);
  a.modes.push('LEAF');
  a.values.push(0);
  a.trueIds.push(0);
  a.falseIds.push(0);
  a.missingTracksTrue.push(0);
  a.targetTreeIds.push(treeId);
  a.targetNodeIds.push(id);
  a.targetIds.push(target);
  a.targetWeights.push(node.value);
}

function appendSplit(a: EnsembleArrays, node: TreeNode, treeId: number, id: number, featureCount: number): void {
  if (!Number.isInteger(node.feature) || node.feature >= featureCount) {
    throw new Error(`gradient_boosted_trees: tree ${treeId} node ${id} splits on feature ${node.feature} of ${featureCount}`);
  }
  if (Number.isNaN(node.threshold)) throw new Error(`gradient_boosted_trees: tree ${treeId} node ${id} has a NaN threshold`);
  a.featureIds.push(node.feature);
  // BRANCH_LEQ's "true" branch is x <= threshold, i.e. our left child; a missing value takes the
  // true branch only when the flag says so, otherwise NaN <= t is false and it goes right.
  a.modes.push('BRANCH_LEQ');
  a.values.push(float32AtMost(node.threshold));
  a.trueIds.push(node.left);
  a.falseIds.push(node.right);
  a.missingTracksTrue.push(node.missingGoesLeft ? 1 : 0);
}
