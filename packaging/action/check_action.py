#!/usr/bin/python3
"""Checks an action.yml against GitHub's documented metadata syntax for actions
(docs.github.com, "Metadata syntax for GitHub Actions"), for composite actions:

- top level: name, description and runs required; author, inputs, outputs, branding optional;
  nothing else;
- inputs.<id>: description required; required, default, deprecationMessage optional; ids start
  with a letter or _ and hold letters, digits, - and _;
- outputs.<id>: description and (composite) value required;
- runs: using "composite" and steps; each step has run (with shell) or uses, and only the keys
  name, id, if, run, shell, uses, with, env, working-directory, continue-on-error;
- branding: icon and color, color one of the documented nine;
- every ${{ inputs.X }} names a declared input, every ${{ steps.Y.outputs... }} a step id.

    check_action.py action.yml   -> prints each problem, exits 1 if any
"""

import re
import sys

import yaml

TOP = {"name", "author", "description", "inputs", "outputs", "runs", "branding"}
INPUT_KEYS = {"description", "required", "default", "deprecationMessage"}
OUTPUT_KEYS = {"description", "value"}
STEP_KEYS = {"name", "id", "if", "run", "shell", "uses", "with", "env", "working-directory",
             "continue-on-error"}
COLORS = {"white", "black", "yellow", "blue", "green", "orange", "red", "purple", "gray-dark"}
ID = re.compile(r"^[A-Za-z_][A-Za-z0-9_-]*$")
EXPR = re.compile(r"\$\{\{(.*?)\}\}", re.S)


def check(doc):
    errors = []
    err = errors.append
    if not isinstance(doc, dict):
        return ["the document is not a mapping"]
    for k in sorted(set(doc) - TOP):
        err("unknown top-level key: %s" % k)
    for k in ("name", "description", "runs"):
        if k not in doc:
            err("missing required key: %s" % k)
    for k in ("name", "description", "author"):
        if k in doc and not (isinstance(doc[k], str) and doc[k].strip()):
            err("%s must be a non-empty string" % k)
    inputs = doc.get("inputs") or {}
    if not isinstance(inputs, dict):
        err("inputs must be a mapping")
        inputs = {}
    for name, spec in inputs.items():
        if not ID.match(str(name)):
            err("input id %r: must start with a letter or _ and hold only letters, digits, - and _" % name)
        if not isinstance(spec, dict):
            err("input %s: must be a mapping" % name)
            continue
        for k in sorted(set(spec) - INPUT_KEYS):
            err("input %s: unknown key %s" % (name, k))
        if not isinstance(spec.get("description"), str) or not spec["description"].strip():
            err("input %s: description is required" % name)
        if "required" in spec and not isinstance(spec["required"], bool):
            err("input %s: required must be a boolean" % name)
        if "default" in spec and not isinstance(spec["default"], str):
            err("input %s: default must be a string (quote it)" % name)
    runs = doc.get("runs") or {}
    steps = []
    if not isinstance(runs, dict):
        err("runs must be a mapping")
    elif runs.get("using") != "composite":
        err("runs.using must be composite (this check covers composite actions)")
    else:
        for k in sorted(set(runs) - {"using", "steps"}):
            err("runs: unknown key %s for a composite action" % k)
        steps = runs.get("steps")
        if not isinstance(steps, list) or not steps:
            err("runs.steps must be a non-empty list")
            steps = []
    ids = set()
    for i, step in enumerate(steps):
        where = "step %d" % (i + 1)
        if not isinstance(step, dict):
            err("%s: must be a mapping" % where)
            continue
        for k in sorted(set(step) - STEP_KEYS):
            err("%s: unknown key %s" % (where, k))
        if ("run" in step) == ("uses" in step):
            err("%s: exactly one of run and uses" % where)
        if "run" in step and "shell" not in step:
            err("%s: run needs shell in a composite action" % where)
        if "uses" in step and "shell" in step:
            err("%s: shell is only for run steps" % where)
        if "id" in step:
            if not ID.match(str(step["id"])):
                err("%s: bad id %r" % (where, step["id"]))
            ids.add(step["id"])
        for k in ("with", "env"):
            if k in step and not isinstance(step[k], dict):
                err("%s: %s must be a mapping" % (where, k))
    outputs = doc.get("outputs") or {}
    if not isinstance(outputs, dict):
        err("outputs must be a mapping")
        outputs = {}
    for name, spec in outputs.items():
        if not ID.match(str(name)):
            err("output id %r is not valid" % name)
        if not isinstance(spec, dict):
            err("output %s: must be a mapping" % name)
            continue
        for k in sorted(set(spec) - OUTPUT_KEYS):
            err("output %s: unknown key %s" % (name, k))
        for k in ("description", "value"):
            if not isinstance(spec.get(k), str) or not spec[k].strip():
                err("output %s: %s is required" % (name, k))
    branding = doc.get("branding")
    if branding is not None:
        if not isinstance(branding, dict):
            err("branding must be a mapping")
        else:
            for k in sorted(set(branding) - {"icon", "color"}):
                err("branding: unknown key %s" % k)
            if "color" in branding and branding["color"] not in COLORS:
                err("branding.color %r is not one of %s" % (branding["color"], ", ".join(sorted(COLORS))))
    # References in expressions anywhere in the document.
    for expr in EXPR.findall(yaml.safe_dump(doc, width=10 ** 6)):
        for name in re.findall(r"\binputs\.([A-Za-z0-9_-]+)", expr):
            if name not in inputs:
                err("expression names an undeclared input: inputs.%s" % name)
        for sid in re.findall(r"\bsteps\.([A-Za-z0-9_-]+)\.outputs\b", expr):
            if sid not in ids:
                err("expression names an unknown step id: steps.%s" % sid)
    return errors


def main(argv):
    if len(argv) != 2:
        print("usage: check_action.py action.yml", file=sys.stderr)
        return 2
    try:
        with open(argv[1], encoding="utf-8") as f:
            doc = yaml.safe_load(f)
    except (OSError, yaml.YAMLError) as e:
        print("%s: %s" % (argv[1], e), file=sys.stderr)
        return 2
    errors = check(doc)
    for e in errors:
        print("%s: %s" % (argv[1], e))
    print("%s: %d problems" % (argv[1], len(errors)))
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
