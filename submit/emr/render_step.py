#!/usr/bin/env python3
"""Renders the EMR step that runs the sweep, as JSON for `aws emr add-steps`.

    python3 submit/emr/render_step.py --jar s3://BUCKET/jars/mnist-spark.jar \\
        --conf-file s3a://BUCKET/conf/sweep.conf --s3 s3a://BUCKET/mnist-spark \\
        --experiment mnist-2026-11-21 > step.json
    aws emr add-steps --cluster-id j-XXXXXXXX --steps file://step.json

The arguments come from submit/spark-job.conf and submit/emr/spark-emr.conf through
submit/submit_args.py, the same source as the shell scripts and the Airflow DAG.
"""
import argparse
import json
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import submit_args  # noqa: E402


def main(argv=None):
    parser = argparse.ArgumentParser(description="Render the mnist-spark EMR step as JSON.")
    parser.add_argument("--jar", required=True, help="the application jar in S3")
    parser.add_argument("--conf-file", required=True, help="the sweep's HOCON file in S3")
    parser.add_argument("--s3", required=True, help="S3 prefix for data, minibatches, results and models")
    parser.add_argument("--experiment", required=True, help="the experiment name")
    parser.add_argument("--action-on-failure", default="CONTINUE",
                        choices=["CONTINUE", "CANCEL_AND_WAIT", "TERMINATE_CLUSTER"])
    args = parser.parse_args(argv)
    step = submit_args.emr_cli_step(args.jar, args.conf_file, args.s3, args.experiment, args.action_on_failure)
    json.dump([step], sys.stdout, indent=2)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
