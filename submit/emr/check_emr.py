#!/usr/bin/env python3
"""Validates an EMR API request against AWS's own model of the EMR API, with botocore's parameter
validator (the check boto3 makes before it sends a request: names, types, required members, lengths),
plus each value of an enumerated type (ActionOnFailure, InstanceRole, ...) against the model's list,
which the validator leaves to the service. Offline: no credentials, no network.

    python3 submit/emr/render_step.py ... --request j-XXXXXXXXXXXXX > steps.json
    python3 submit/emr/check_emr.py AddJobFlowSteps steps.json
    python3 submit/emr/render_cluster.py --log-uri s3://BUCKET/emr-logs/ > cluster.json
    python3 submit/emr/check_emr.py RunJobFlow cluster.json

Exit code 0 when valid, 1 with botocore's report naming each bad parameter, 2 for bad input.
Needs botocore (Debian: python3-botocore).
"""
import json
import sys


def enum_errors(value, shape, where):
    """Values outside their shape's enumeration, anywhere in the request, as "where: value" lines."""
    errors = []
    if shape.type_name == "structure" and isinstance(value, dict):
        for name, member in value.items():
            if name in shape.members:
                errors += enum_errors(member, shape.members[name], where + "." + name if where else name)
    elif shape.type_name == "list" and isinstance(value, list):
        for i, item in enumerate(value):
            errors += enum_errors(item, shape.member, "%s[%d]" % (where, i))
    elif shape.type_name == "map" and isinstance(value, dict):
        for key, item in value.items():
            errors += enum_errors(item, shape.value, "%s.%s" % (where, key))
    elif shape.type_name == "string" and shape.enum and value not in shape.enum:
        errors.append("Invalid value for parameter %s, value: %r, valid values: %s"
                      % (where, value, ", ".join(shape.enum)))
    return errors


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    if len(argv) != 2:
        print("usage: check_emr.py OPERATION REQUEST.json   (OPERATION: AddJobFlowSteps, RunJobFlow, ...)",
              file=sys.stderr)
        return 2
    operation, path = argv
    try:
        import botocore
        import botocore.session
        import botocore.validate
    except ImportError:
        print("error: botocore is not installed (Debian: apt-get install python3-botocore)", file=sys.stderr)
        return 2
    try:
        with open(path, encoding="utf-8") as text:
            request = json.load(text)
    except (OSError, ValueError) as e:
        print("error: cannot read the request %s: %s" % (path, e), file=sys.stderr)
        return 2
    model = botocore.session.get_session().get_service_model("emr")  # the model files botocore ships
    if operation not in model.operation_names:
        print("error: EMR has no operation %r" % operation, file=sys.stderr)
        return 2
    shape = model.operation_model(operation).input_shape
    report = botocore.validate.ParamValidator().validate(request, shape)
    errors = ([report.generate_report()] if report.has_errors() else []) + enum_errors(request, shape, "")
    if errors:
        print("%s: not a valid %s request (botocore %s, EMR API %s):\n%s"
              % (path, operation, botocore.__version__, model.api_version, "\n".join(errors)))
        return 1
    print("%s: a valid %s request (botocore %s, EMR API %s)" % (path, operation, botocore.__version__,
                                                              model.api_version))
    return 0


if __name__ == "__main__":
    sys.exit(main())
