package dev.mlops.examples;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

import org.mlflow.api.proto.ModelRegistry.ModelVersion;
import org.mlflow.api.proto.ModelRegistry.RegisteredModel;
import org.mlflow.api.proto.Service.CreateRun;
import org.mlflow.api.proto.Service.Experiment;
import org.mlflow.api.proto.Service.Metric;
import org.mlflow.api.proto.Service.Param;
import org.mlflow.api.proto.Service.Run;
import org.mlflow.api.proto.Service.RunInfo;
import org.mlflow.api.proto.Service.RunStatus;
import org.mlflow.api.proto.Service.RunTag;
import org.mlflow.tracking.MlflowClient;
import org.mlflow.tracking.MlflowHttpException;
import org.mlflow.tracking.creds.BasicMlflowHostCreds;

/**
 * What a team's Java code does with MLflow, against the platform: the official client
 * (org.mlflow:mlflow-client 2.17.2) with the platform's bearer token as MLFLOW_TRACKING_TOKEN.
 * Sets an experiment, runs, logs params, metrics and a batch, ends the run, searches it back,
 * uploads an ONNX model to the run's artifacts, registers it, sets an alias and reads it all
 * back. Each check prints one "checked:" line; the first that fails ends it with exit code 1.
 *
 * Environment: MLFLOW_TRACKING_URI (the console, e.g. http://localhost:8087),
 * MLFLOW_TRACKING_TOKEN, MODEL_NAME, MODEL_ONNX (path of an ONNX file), EXPERIMENT_NAME.
 */
public final class MlflowClientCheck {
  private static int checks = 0;

  public static void main(String[] args) throws Exception {
    String uri = required("MLFLOW_TRACKING_URI");
    String token = required("MLFLOW_TRACKING_TOKEN");
    String modelName = required("MODEL_NAME");
    Path onnx = Path.of(required("MODEL_ONNX"));
    String experimentName = required("EXPERIMENT_NAME");
    MlflowClient client = new MlflowClient(new BasicMlflowHostCreds(uri, token));
    try {
      String runId = track(client, experimentName);
      String artifactUri = client.getRun(runId).getInfo().getArtifactUri();
      upload(uri, token, artifactUri + "/model/model.onnx", onnx);
      // client.listArtifacts would shell out to MLflow's Python CLI for an mlflow-artifacts:/ URI;
      // the tracking server's artifacts/list route is what that CLI calls in the end.
      String listed = client.sendGet("artifacts/list?run_id=" + runId + "&path=model");
      check(listed.contains("\"path\":\"model/model.onnx\"") && listed.contains("\"is_dir\":false"), "artifacts/list shows model/model.onnx: " + listed);
      client.setTerminated(runId, RunStatus.FINISHED);
      check(client.getRun(runId).getInfo().getStatus() == RunStatus.FINISHED, "setTerminated ends the run FINISHED");
      register(client, modelName, runId, artifactUri);
      errors(client);
      System.out.println("mlflow java client: " + checks + " checks passed");
    } catch (AssertionError | MlflowHttpException e) {
      System.err.println("FAILED: " + e.getMessage() + (e instanceof MlflowHttpException h ? " " + h.getBodyMessage() : ""));
      System.exit(1);
    } finally {
      client.close();
    }
  }

  /** Experiment, run, params, metrics, a batch, tags; search and history read them back. */
  private static String track(MlflowClient client, String experimentName) {
    Optional<Experiment> existing = client.getExperimentByName(experimentName);
    String experimentId = existing.isPresent() ? existing.get().getExperimentId() : client.createExperiment(experimentName);
    check(client.getExperiment(experimentId).getName().equals(experimentName), "experiment " + experimentName + " has id " + experimentId);
    client.setExperimentTag(experimentId, "team", "java");
    check(tagsOf(client.getExperiment(experimentId).getTagsList()).get("team").equals("java"), "setExperimentTag is read back");

    long start = System.currentTimeMillis();
    RunInfo info = client.createRun(CreateRun.newBuilder().setExperimentId(experimentId).setRunName("java-client").setStartTime(start).build());
    String runId = info.getRunId();
    check(info.getStatus() == RunStatus.RUNNING && info.getRunName().equals("java-client"), "createRun starts run " + runId);

    client.logParam(runId, "learning_rate", "0.1");
    client.logMetric(runId, "loss", 0.5, start, 0);
    client.logMetric(runId, "loss", 0.4, start + 1, 1);
    List<Metric> metrics = new ArrayList<>();
    for (int i = 0; i < 10; i++) metrics.add(Metric.newBuilder().setKey("m" + i).setValue(i / 10.0).setTimestamp(start).setStep(0).build());
    List<Param> params = List.of(Param.newBuilder().setKey("depth").setValue("6").build(), Param.newBuilder().setKey("optimizer").setValue("adam").build());
    List<RunTag> tags = List.of(RunTag.newBuilder().setKey("stage").setValue("dev").build(), RunTag.newBuilder().setKey("tmp").setValue("x").build());
    client.logBatch(runId, metrics, params, tags);
    client.setTag(runId, "owner", "java");
    client.deleteTag(runId, "tmp");

    Run run = client.getRun(runId);
    Map<String, String> runParams = run.getData().getParamsList().stream().collect(Collectors.toMap(Param::getKey, Param::getValue));
    check(runParams.equals(Map.of("learning_rate", "0.1", "depth", "6", "optimizer", "adam")), "params logged one by one and in a batch: " + runParams);
    Map<String, Double> latest = run.getData().getMetricsList().stream().collect(Collectors.toMap(Metric::getKey, Metric::getValue));
    check(latest.size() == 11 && latest.get("loss") == 0.4 && latest.get("m7") == 0.7, "latest metric values: loss 0.4, m0..m9 from the batch");
    Map<String, String> runTags = tagsOf(run.getData().getTagsList());
    check(runTags.get("owner").equals("java") && runTags.get("stage").equals("dev") && !runTags.containsKey("tmp"), "setTag, logBatch tags and deleteTag");

    List<Metric> history = client.getMetricHistory(runId, "loss");
    check(history.size() == 2 && history.get(0).getStep() == 0 && history.get(1).getValue() == 0.4, "getMetricHistory returns both loss values by step");

    List<String> found = client.searchRuns(List.of(experimentId), "params.learning_rate = '0.1' and metrics.loss < 0.45 and tags.owner = 'java'")
        .stream().map(RunInfo::getRunId).collect(Collectors.toList());
    check(found.contains(runId), "searchRuns with MLflow's filter grammar finds the run");
    check(client.searchRuns(List.of(experimentId), "metrics.loss > 0.45").stream().noneMatch(r -> r.getRunId().equals(runId)), "searchRuns leaves out a run the filter excludes");
    return runId;
  }

  /** Registers the uploaded ONNX model as a version, sets an alias, and reads both back. */
  private static void register(MlflowClient client, String modelName, String runId, String artifactUri) throws InterruptedException {
    // The Java client has no create calls for the registry; it sends them with its own HTTP caller.
    try {
      client.getRegisteredModel(modelName);
    } catch (MlflowHttpException e) {
      if (e.getStatusCode() != 404) throw e;
      client.sendPost("registered-models/create", "{\"name\": \"" + modelName + "\", \"description\": \"from the MLflow Java client\"}");
    }
    String created = client.sendPost("model-versions/create", "{\"name\": \"" + modelName + "\", \"source\": \"" + artifactUri + "/model\", \"run_id\": \"" + runId + "\"}");
    String version = created.replaceAll("(?s).*\"version\"\\s*:\\s*\"(\\d+)\".*", "$1");
    check(version.matches("\\d+"), "model-versions/create registers version " + version);

    ModelVersion mv = client.getModelVersion(modelName, version);
    for (int i = 0; i < 50 && !mv.getStatus().name().equals("READY"); i++) {
      Thread.sleep(200);
      mv = client.getModelVersion(modelName, version);
    }
    check(mv.getStatus().name().equals("READY") && mv.getRunId().equals(runId), "getModelVersion: READY, lineage run " + runId);

    client.sendPost("registered-models/alias", "{\"name\": \"" + modelName + "\", \"alias\": \"champion\", \"version\": \"" + version + "\"}");
    RegisteredModel model = client.getRegisteredModel(modelName);
    check(model.getAliasesList().stream().anyMatch(a -> a.getAlias().equals("champion") && a.getVersion().equals(version)), "getRegisteredModel shows alias champion -> " + version);
    String byAlias = client.sendGet("registered-models/alias?name=" + modelName + "&alias=champion");
    check(byAlias.contains("\"version\":\"" + version + "\"") || byAlias.contains("\"version\": \"" + version + "\""), "registered-models/alias reads the version back by alias");
    check(client.getLatestVersions(modelName).stream().anyMatch(v -> v.getVersion().equals(version)), "getLatestVersions returns version " + version);
    check(client.searchModelVersions("name='" + modelName + "'").getItems().stream().anyMatch(v -> v.getVersion().equals(version)), "searchModelVersions by name finds it");
    check(client.getModelVersionDownloadUri(modelName, version).equals(artifactUri + "/model"), "getModelVersionDownloadUri is the source it was registered from");
  }

  /** MLflow's error codes reach the client as its server would send them. */
  private static void errors(MlflowClient client) {
    try {
      client.getExperiment("987654321");
      check(false, "getExperiment of an unknown id fails");
    } catch (MlflowHttpException e) {
      check(e.getStatusCode() == 404 && e.getBodyMessage().contains("RESOURCE_DOES_NOT_EXIST"), "unknown experiment: 404 RESOURCE_DOES_NOT_EXIST");
    }
    check(client.getExperimentByName("no-such-experiment-" + System.nanoTime()).isEmpty(), "getExperimentByName of an unknown name is empty");
  }

  /** A file into the run's artifacts through the proxied artifact API (the Java client's own upload needs MLflow's Python CLI). */
  private static void upload(String trackingUri, String token, String artifactUri, Path file) throws Exception {
    String path = artifactUri.replaceFirst("^mlflow-artifacts:/", "");
    HttpRequest request = HttpRequest.newBuilder(URI.create(trackingUri + "/api/2.0/mlflow-artifacts/artifacts/" + path))
        .header("Authorization", "Bearer " + token)
        .header("Content-Type", "application/octet-stream")
        .PUT(HttpRequest.BodyPublishers.ofFile(file))
        .build();
    HttpResponse<String> response = HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
    check(response.statusCode() == 200, "uploaded " + file.getFileName() + " to " + artifactUri + " (HTTP " + response.statusCode() + " " + response.body() + ")");
  }

  private static Map<String, String> tagsOf(List<? extends Object> tags) {
    return tags.stream().collect(Collectors.toMap(MlflowClientCheck::keyOf, MlflowClientCheck::valueOf, (a, b) -> b));
  }

  private static String keyOf(Object tag) {
    return tag instanceof RunTag t ? t.getKey() : ((org.mlflow.api.proto.Service.ExperimentTag) tag).getKey();
  }

  private static String valueOf(Object tag) {
    return tag instanceof RunTag t ? t.getValue() : ((org.mlflow.api.proto.Service.ExperimentTag) tag).getValue();
  }

  private static void check(boolean ok, String what) {
    if (!ok) throw new AssertionError(what);
    checks++;
    System.out.println("checked: " + what);
  }

  private static String required(String name) {
    String value = System.getenv(name);
    if (value == null || value.isBlank()) throw new IllegalArgumentException(name + " is not set");
    return value;
  }
}
