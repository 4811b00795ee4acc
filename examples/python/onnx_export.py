"""A logistic regression as an ONNX graph, built by hand with onnx.helper (skl2onnx is not in
Debian). The graph is the one the platform's own trainer exports (libs/ml/src/onnx/export.ts),
so the registry reads the same signature and serving scores it the same way:

  input          float32 [N, features]  raw feature values, in feature_names order
  MatMul + Add   -> raw_scores [N, K]   K = 1 for two classes (log-odds of classes[1]), else one per class
  Sigmoid (K=1: probabilities [1 - p, p]) or Softmax
  probabilities  float32 [N, classes]
  label          int64 [N]              classes[argmax(probabilities)]

metadata_props carry feature_names (JSON), model_kind and classes, which the registry reads
into the version's signature.
"""
import json

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

IR_VERSION = 8
OPSET = 17
BATCH = "N"


def logistic_regression_onnx(coef, intercept, classes, feature_names, doc=""):
    """coef [K, F] and intercept [K] apply to raw features (fold any scaling in first)."""
    coef = np.asarray(coef, dtype=np.float64)
    intercept = np.asarray(intercept, dtype=np.float64)
    scores, features = coef.shape
    if features != len(feature_names):
        raise ValueError(f"{features} coefficients per row for {len(feature_names)} features")
    if intercept.shape != (scores,):
        raise ValueError(f"{intercept.size} intercepts for {scores} coefficient rows")
    if not (scores == 1 and len(classes) == 2) and scores != len(classes):
        raise ValueError(f"{scores} score rows for {len(classes)} classes")
    if any(int(c) != c for c in classes):
        raise ValueError(f"classes {classes} must be integers: the label output is int64")

    initializers = [
        numpy_helper.from_array(coef.T.astype(np.float32), "coefficients"),
        numpy_helper.from_array(intercept.astype(np.float32), "intercepts"),
        numpy_helper.from_array(np.asarray(classes, dtype=np.int64), "classes"),
    ]
    nodes = [
        helper.make_node("MatMul", ["input", "coefficients"], ["weighted_sums"]),
        helper.make_node("Add", ["weighted_sums", "intercepts"], ["raw_scores"]),
    ]
    if scores == 1:
        initializers.append(numpy_helper.from_array(np.ones(1, dtype=np.float32), "one"))
        nodes += [
            helper.make_node("Sigmoid", ["raw_scores"], ["positive_probability"]),
            helper.make_node("Sub", ["one", "positive_probability"], ["negative_probability"]),
            helper.make_node("Concat", ["negative_probability", "positive_probability"], ["probabilities"], axis=1),
        ]
    else:
        nodes.append(helper.make_node("Softmax", ["raw_scores"], ["probabilities"], axis=1))
    nodes += [
        helper.make_node("ArgMax", ["probabilities"], ["class_index"], axis=1, keepdims=0),
        helper.make_node("Gather", ["classes", "class_index"], ["label"], axis=0),
    ]
    graph = helper.make_graph(
        nodes,
        "python_logistic_regression",
        inputs=[helper.make_tensor_value_info("input", TensorProto.FLOAT, [BATCH, features])],
        outputs=[
            helper.make_tensor_value_info("label", TensorProto.INT64, [BATCH]),
            helper.make_tensor_value_info("probabilities", TensorProto.FLOAT, [BATCH, len(classes)]),
        ],
        initializer=initializers,
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", OPSET)], producer_name="examples/python/train.py", ir_version=IR_VERSION, doc_string=doc)
    helper.set_model_props(model, {
        "feature_names": json.dumps(list(feature_names)),
        "model_kind": "logistic_regression",
        "classes": json.dumps([int(c) for c in classes]),
    })
    onnx.checker.check_model(model, full_check=True)
    return model.SerializeToString()


def fold_standardization(coef, intercept, mean, scale):
    """Weights for raw x from weights for (x - mean) / scale, so the graph needs no scaler."""
    coef = np.asarray(coef, dtype=np.float64)
    raw = coef / np.asarray(scale, dtype=np.float64)
    return raw, np.asarray(intercept, dtype=np.float64) - raw @ np.asarray(mean, dtype=np.float64)
