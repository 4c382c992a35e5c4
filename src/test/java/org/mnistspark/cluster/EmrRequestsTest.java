package org.mnistspark.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mnistspark.report.ExternalProcess;

/**
 * The EMR requests this repository renders, checked by submit/emr/check_emr.py against AWS's own model
 * of the EMR API as botocore ships it (Debian's python3-botocore, which submit/test.sh installs), with
 * botocore's parameter validator and no network: the steps of render_step.py as an AddJobFlowSteps
 * request, and the cluster of render_cluster.py as a RunJobFlow request. Skipped where botocore is missing.
 */
class EmrRequestsTest {
    static final String PYTHON = AirflowDagTest.PYTHON;
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path temp;

    @BeforeAll
    static void botocoreInstalled() throws Exception {
        ExternalProcess.Result probe = ExternalProcess.run(
                List.of(PYTHON, "-c", "import botocore"),
                Path.of("").toAbsolutePath(),
                Map.of(),
                Duration.ofSeconds(60),
                temp);
        assumeTrue(probe.exitCode() == 0, "botocore is not installed (apt-get install python3-botocore)");
    }

    private ExternalProcess.Result python(String... arguments) throws Exception {
        List<String> command = new ArrayList<>(List.of(PYTHON));
        command.addAll(List.of(arguments));
        return ExternalProcess.run(
                command,
                Path.of("").toAbsolutePath(),
                Map.of("PYTHONPYCACHEPREFIX", temp.resolve("pycache").toString()),
                Duration.ofSeconds(60),
                temp);
    }

    private JsonNode rendered(String... arguments) throws Exception {
        ExternalProcess.Result result = python(arguments);
        assertThat(result.exitCode()).as(result.describe()).isZero();
        return JSON.readTree(result.out());
    }

    /** check_emr.py on the request, written to a file. */
    private ExternalProcess.Result check(String operation, JsonNode request) throws Exception {
        Path file = Files.createTempFile(temp, operation, ".json");
        Files.writeString(file, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(request));
        return python("submit/emr/check_emr.py", operation, file.toString());
    }

    private JsonNode steps() throws Exception {
        return rendered(
                "submit/emr/render_step.py",
                "--jar",
                "s3://bucket/jars/mnist-spark.jar",
                "--conf-file",
                "s3a://bucket/conf/sweep.conf",
                "--s3",
                "s3a://bucket/mnist-spark",
                "--experiment",
                "mnist-20261121",
                "--predict-and-report",
                "--ds-nodash",
                "20261121",
                "--request",
                "j-1K48XXXXXXHCB");
    }

    private JsonNode cluster() throws Exception {
        return rendered("submit/emr/render_cluster.py", "--log-uri", "s3://bucket/emr-logs/", "--core-instances", "4");
    }

    @Test
    void theRenderedStepsAreAValidAddJobFlowStepsRequest() throws Exception {
        JsonNode request = steps();
        assertThat(request.get("JobFlowId").asText()).isEqualTo("j-1K48XXXXXXHCB");
        assertThat(request.get("Steps")).hasSize(3);
        ExternalProcess.Result result = check("AddJobFlowSteps", request);
        assertThat(result.exitCode()).as(result.describe()).isZero();
        assertThat(result.out()).contains("a valid AddJobFlowSteps request (botocore ");

        // The CLI's step list (render_step.py's default output) is the same steps in the CLI's shape.
        JsonNode cli = rendered(
                "submit/emr/render_step.py",
                "--jar",
                "s3://bucket/jars/mnist-spark.jar",
                "--conf-file",
                "s3a://bucket/conf/sweep.conf",
                "--s3",
                "s3a://bucket/mnist-spark",
                "--experiment",
                "mnist-20261121",
                "--predict-and-report",
                "--ds-nodash",
                "20261121");
        for (int i = 0; i < 3; i++) {
            JsonNode api = request.get("Steps").get(i);
            assertThat(cli.get(i).get("Args")).isEqualTo(api.at("/HadoopJarStep/Args"));
            assertThat(cli.get(i).get("Name")).isEqualTo(api.get("Name"));
            assertThat(cli.get(i).get("ActionOnFailure")).isEqualTo(api.get("ActionOnFailure"));
        }
    }

    @Test
    void theRenderedClusterIsAValidRunJobFlowRequestWithJava17Everywhere() throws Exception {
        JsonNode request = cluster();
        ExternalProcess.Result result = check("RunJobFlow", request);
        assertThat(result.exitCode()).as(result.describe()).isZero();
        assertThat(result.out()).contains("a valid RunJobFlow request (botocore ");

        String java17 = "/usr/lib/jvm/java-17-amazon-corretto.x86_64";
        Map<String, JsonNode> classifications = new java.util.HashMap<>();
        request.get("Configurations")
                .forEach(c -> classifications.put(c.get("Classification").asText(), c));
        assertThat(classifications).containsOnlyKeys("hadoop-env", "spark-env", "spark-defaults");
        for (String env : List.of("hadoop-env", "spark-env")) {
            assertThat(classifications
                            .get(env)
                            .at("/Configurations/0/Classification")
                            .asText())
                    .isEqualTo("export");
            assertThat(classifications
                            .get(env)
                            .at("/Configurations/0/Properties/JAVA_HOME")
                            .asText())
                    .isEqualTo(java17);
        }
        JsonNode defaults = classifications.get("spark-defaults").get("Properties");
        assertThat(defaults.get("spark.executorEnv.JAVA_HOME").asText()).isEqualTo(java17);
        assertThat(defaults.get("spark.yarn.appMasterEnv.JAVA_HOME").asText()).isEqualTo(java17);
        assertThat(request.get("ReleaseLabel").asText()).startsWith("emr-7.");
        assertThat(request.at("/Instances/InstanceGroups/1/InstanceCount").asInt())
                .isEqualTo(4);
    }

    /** The check fails, naming the parameter, on what EMR would refuse: a name, a type, an enumerated value. */
    @Test
    void theCheckRefusesWhatEmrWouldRefuse() throws Exception {
        ObjectNode misnamed = (ObjectNode) steps();
        ObjectNode jarStep = (ObjectNode) misnamed.get("Steps").get(0).get("HadoopJarStep");
        jarStep.set("Arguments", jarStep.remove("Args"));
        ExternalProcess.Result result = check("AddJobFlowSteps", misnamed);
        assertThat(result.exitCode()).as(result.describe()).isEqualTo(1);
        assertThat(result.out()).contains("Unknown parameter in Steps[0].HadoopJarStep: \"Arguments\"");

        ObjectNode badAction = (ObjectNode) steps();
        ((ObjectNode) badAction.get("Steps").get(1)).put("ActionOnFailure", "RETRY");
        result = check("AddJobFlowSteps", badAction);
        assertThat(result.exitCode()).as(result.describe()).isEqualTo(1);
        assertThat(result.out()).contains("Steps[1].ActionOnFailure, value: 'RETRY'");

        ObjectNode badCount = (ObjectNode) cluster();
        ((ObjectNode) badCount.at("/Instances/InstanceGroups/1")).put("InstanceCount", "four");
        result = check("RunJobFlow", badCount);
        assertThat(result.exitCode()).as(result.describe()).isEqualTo(1);
        assertThat(result.out()).contains("Instances.InstanceGroups[1].InstanceCount");

        ObjectNode noName = (ObjectNode) cluster();
        noName.remove("Name");
        result = check("RunJobFlow", noName);
        assertThat(result.exitCode()).as(result.describe()).isEqualTo(1);
        assertThat(result.out()).contains("Missing required parameter in input: \"Name\"");
    }

    @Test
    void badInputIsNamed() throws Exception {
        ExternalProcess.Result missing = python(
                "submit/emr/check_emr.py",
                "AddJobFlowSteps",
                temp.resolve("none.json").toString());
        assertThat(missing.exitCode()).isEqualTo(2);
        assertThat(missing.err()).contains("cannot read the request " + temp.resolve("none.json"));
        ExternalProcess.Result unknown = check("AddSteps", steps());
        assertThat(unknown.exitCode()).isEqualTo(2);
        assertThat(unknown.err()).contains("EMR has no operation 'AddSteps'");
        ExternalProcess.Result release =
                python("submit/emr/render_cluster.py", "--log-uri", "s3://b/", "--release", "emr-6.15.0");
        assertThat(release.exitCode()).isEqualTo(2);
        assertThat(release.err()).contains("--release must be an EMR 7.x release");
    }
}
