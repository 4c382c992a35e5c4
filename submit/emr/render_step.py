#!/usr/bin/env python3
"""Renders the EMR steps that run the sweep (and, when asked, predict and report), as JSON for
`aws emr add-steps`.

    python3 submit/emr/render_step.py --jar s3://BUCKET/jars/mnist-spark.jar \\
        --conf-file s3a://BUCKET/conf/sweep.conf --s3 s3a://BUCKET/mnist-spark \\
        --experiment mnist-20261121 --parallel-trials 8 [--predict-and-report --ds-nodash 20261121] > step.json
    aws emr add-steps --cluster-id j-XXXXXXXX --steps file://step.json

With --request j-XXXXXXXX it prints the same steps as EMR's API takes them instead: the AddJobFlowSteps
request (boto3's add_job_flow_steps), which submit/emr/check_emr.py validates against botocore's EMR model.
The arguments come from submit/spark-job.conf and submit/yarn/spark-yarn.conf through
submit/submit_args.py, the same source as the shell scripts and the Airflow DAGs.
"""
import argparse
import datetime
import json
import os
import re
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import submit_args  # noqa: E402

TEMPLATE = re.compile(r"^\{\{.*\}\}$")  # a Jinja expression, rendered later by Airflow


def _count(text):
    if TEMPLATE.match(text) or (text.isdigit() and int(text) > 0):
        return text
    raise argparse.ArgumentTypeError("must be a positive whole number, not %r" % text)


def _ds_nodash(text):
    if TEMPLATE.match(text) or re.fullmatch(r"\d{8}", text):
        return text
    raise argparse.ArgumentTypeError("must be a date as YYYYMMDD, not %r" % text)


def main(argv=None):
    parser = argparse.ArgumentParser(description="Render the mnist-spark EMR steps as JSON.")
    parser.add_argument("--jar", required=True, help="the application jar in S3")
    parser.add_argument("--conf-file", required=True, help="the sweep's HOCON file in S3")
    parser.add_argument("--s3", required=True,
                        help="S3 prefix for data, results, models, predictions and reports "
                             "(a trailing / is dropped)")
    parser.add_argument("--experiment", required=True, help="the experiment name")
    parser.add_argument("--parallel-trials", type=_count, default=str(submit_args.DEFAULT_PARALLEL_TRIALS),
                        help="trials the sweep trains at once; under dynamic allocation the executors' cores "
                             "are not known in advance; no trial's id or numbers depend on it "
                             "(default: %(default)s)")
    parser.add_argument("--predict-and-report", action="store_true",
                        help="also the predict and report steps, after the sweep")
    parser.add_argument("--ds-nodash", type=_ds_nodash,
                        default=datetime.datetime.now(datetime.timezone.utc).strftime("%Y%m%d"),
                        help="the run's day as YYYYMMDD: names predictions/<day> and reports/<day> "
                             "(default: today, UTC)")
    parser.add_argument("--action-on-failure", choices=["CONTINUE", "CANCEL_AND_WAIT", "TERMINATE_CLUSTER"],
                        help="for every step (default: CONTINUE; with --predict-and-report the sweep's is "
                             "CANCEL_AND_WAIT, so that a failed sweep cancels the steps after it)")
    parser.add_argument("--request", metavar="CLUSTER_ID",
                        help="print the AddJobFlowSteps API request for this cluster instead of the CLI's step list")
    args = parser.parse_args(argv)
    jobs = submit_args.scheduled_jobs(args.conf_file, args.s3, args.experiment, args.parallel_trials, args.ds_nodash)
    names = ["sweep", "predict", "report"] if args.predict_and_report else ["sweep"]
    steps = []
    for name in names:
        action = args.action_on_failure or (
            "CANCEL_AND_WAIT" if name == "sweep" and len(names) > 1 else "CONTINUE")
        step = submit_args.emr_step(submit_args.emr_step_name(name, args.experiment, args.ds_nodash),
                                    args.jar, jobs[name], action)
        steps.append(step if args.request else submit_args.emr_cli_step(step))
    json.dump({"JobFlowId": args.request, "Steps": steps} if args.request else steps, sys.stdout, indent=2)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
