#!/usr/bin/env python3
"""Renders an EMR cluster for the job as EMR's RunJobFlow request, as JSON: what boto3's run_job_flow
and Airflow's EmrCreateJobFlowOperator (job_flow_overrides) take.

    python3 submit/emr/render_cluster.py --log-uri s3://BUCKET/emr-logs/ --core-instances 4 > cluster.json
    python3 submit/emr/check_emr.py RunJobFlow cluster.json

It holds what the cluster itself must give the job; the job's own Spark settings travel with each step
(submit/emr/render_step.py). EMR 7.x runs Java 17 already; the classifications say so explicitly, so
that a release whose default differs, or a cluster configuration that changes it, cannot start the
job's JVMs on another Java: the daemons (hadoop-env), spark-submit and a client-mode driver
(spark-env), and the containers, whose environment YARN builds itself (spark-defaults).
"""
import argparse
import json
import sys

# Amazon Corretto 17, where Amazon Linux 2023 (EMR 7.x) installs it.
JAVA_17_HOME = "/usr/lib/jvm/java-17-amazon-corretto.x86_64"


def _export(classification, variables):
    """A *-env classification: EMR writes its nested export properties as `export NAME=value` lines."""
    return {"Classification": classification, "Properties": {},
            "Configurations": [{"Classification": "export", "Properties": dict(variables)}]}


def configurations(java_home=JAVA_17_HOME):
    """The classifications the job needs: Java 17 for the daemons, for spark-submit and a client-mode
    driver, and (spark-defaults) for the executors' and the ApplicationMaster's containers."""
    return [
        _export("hadoop-env", {"JAVA_HOME": java_home}),
        _export("spark-env", {"JAVA_HOME": java_home}),
        {"Classification": "spark-defaults", "Properties": {
            "spark.executorEnv.JAVA_HOME": java_home,
            "spark.yarn.appMasterEnv.JAVA_HOME": java_home,
        }},
    ]


def run_job_flow(name, release, log_uri, primary_type, core_type, core_instances, keep_alive):
    """The RunJobFlow request: Hadoop and Spark on one primary and core_instances core nodes."""
    return {
        "Name": name,
        "ReleaseLabel": release,
        "LogUri": log_uri,
        "Applications": [{"Name": "Hadoop"}, {"Name": "Spark"}],
        "Configurations": configurations(),
        "Instances": {
            "InstanceGroups": [
                {"Name": "primary", "InstanceRole": "MASTER", "InstanceType": primary_type, "InstanceCount": 1},
                {"Name": "core", "InstanceRole": "CORE", "InstanceType": core_type, "InstanceCount": core_instances},
            ],
            "KeepJobFlowAliveWhenNoSteps": keep_alive,
        },
        "JobFlowRole": "EMR_EC2_DefaultRole",
        "ServiceRole": "EMR_DefaultRole",
        "VisibleToAllUsers": True,
    }


def _positive(text):
    if text.isdigit() and int(text) > 0:
        return int(text)
    raise argparse.ArgumentTypeError("must be a positive whole number, not %r" % text)


def main(argv=None):
    parser = argparse.ArgumentParser(description="Render an EMR cluster for mnist-spark as a RunJobFlow request.")
    parser.add_argument("--name", default="mnist-spark", help="the cluster's name (default: %(default)s)")
    parser.add_argument("--release", default="emr-7.5.0", help="EMR release, 7.x (default: %(default)s)")
    parser.add_argument("--log-uri", required=True, help="S3 folder for the cluster's logs, such as the containers'")
    parser.add_argument("--primary-type", default="m5.xlarge", help="primary node type (default: %(default)s)")
    parser.add_argument("--core-type", default="c5.4xlarge", help="core node type (default: %(default)s)")
    parser.add_argument("--core-instances", type=_positive, default=2, help="core nodes (default: %(default)s)")
    parser.add_argument("--terminate-after-steps", action="store_true",
                        help="end the cluster when its last step has run (default: keep it)")
    args = parser.parse_args(argv)
    if not args.release.startswith("emr-7."):
        parser.error("--release must be an EMR 7.x release (Java 17, Spark 3.5), not %r" % args.release)
    json.dump(run_job_flow(args.name, args.release, args.log_uri, args.primary_type, args.core_type,
                           args.core_instances, not args.terminate_after_steps), sys.stdout, indent=2)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
