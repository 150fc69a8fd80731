#!/usr/bin/python3
"""A stand-in `az` for tests: records every argv (one JSON line per call to $AZ_STANDIN_LOG) and serves
`az rest` against the blindspot simulator ($AZ_STANDIN_ENDPOINT replaces https://management.azure.com), with the
JMESPath `--query` and `--output json|tsv|none` of the real CLI. Anything else is an error (exit 2), so a script
calling an unexpected az command fails the test.
"""
import json
import os
import sys
import urllib.error
import urllib.request

import jmespath

ARM = "https://management.azure.com"


def main(argv):
    with open(os.environ["AZ_STANDIN_LOG"], "a", encoding="utf-8") as log:
        log.write(json.dumps(argv) + "\n")
    if not argv or argv[0] != "rest":
        sys.stderr.write("az-standin: only `az rest` is served: %r\n" % (argv,))
        return 2
    opts = {"--output": "json", "--headers": []}
    i = 1
    while i < len(argv):
        k = argv[i]
        if k not in ("--method", "--url", "--body", "--query", "--output", "--headers"):
            sys.stderr.write("az-standin: unexpected argument %r\n" % k)
            return 2
        if i + 1 >= len(argv):
            sys.stderr.write("az-standin: %s needs a value\n" % k)
            return 2
        if k == "--headers":
            opts[k].append(argv[i + 1])
        else:
            opts[k] = argv[i + 1]
        i += 2
    url = opts.get("--url", "")
    if not url.startswith(ARM + "/"):
        sys.stderr.write("az-standin: not an ARM url: %r\n" % url)
        return 2
    target = os.environ["AZ_STANDIN_ENDPOINT"].rstrip("/") + url[len(ARM):]
    body = opts.get("--body")
    req = urllib.request.Request(target, method=opts.get("--method", "get").upper(),
                                 data=body.encode("utf-8") if body is not None else None)
    req.add_header("Authorization", "Bearer standin")
    if body is not None:
        req.add_header("Content-Type", "application/json")
    for h in opts["--headers"]:
        name, _, value = h.partition("=")
        req.add_header(name, value)
    try:
        with urllib.request.urlopen(req, timeout=30) as res:
            text = res.read().decode("utf-8")
    except urllib.error.HTTPError as e:
        sys.stderr.write("ERROR: %s %s\n" % (e.code, e.read().decode("utf-8", "replace")))
        return 1
    data = json.loads(text) if text.strip() else None
    if "--query" in opts:
        data = jmespath.search(opts["--query"], data)
    out = opts["--output"]
    if out == "none":
        return 0
    if out == "tsv":
        def cell(v):
            if v is None:
                return ""
            if isinstance(v, bool):
                return "True" if v else "False"
            if isinstance(v, (dict, list)):
                return json.dumps(v)
            return str(v)
        if isinstance(data, list):
            print("\t".join(cell(v) for v in data))
        else:
            print(cell(data))
        return 0
    print(json.dumps(data, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
