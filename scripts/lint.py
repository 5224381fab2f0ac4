#!/usr/bin/env python3
"""clang-format and clang-tidy over the C++ sources, as the ctest tests lint.* run them.

  scripts/lint.py format [--fix]               clang-format --dry-run -Werror (--fix: rewrite)
  scripts/lint.py tidy -p BUILD_DIR [-j N] [REGEX...]
                                               clang-tidy (checks: .clang-tidy) over the harness
                                               and test sources of BUILD_DIR's compile database

Exits 0 when clean, 1 on any finding (each printed once), 2 when a tool is missing.
The tools are looked up as clang-format-14 / clang-tidy-14 first (the Debian packages the checks
were written for), then unversioned; $CLANG_FORMAT / $CLANG_TIDY override.
"""

import argparse
import concurrent.futures
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXTENSIONS = (".cpp", ".h")
FORMAT_ROOTS = ("harness", "tests", "scenarios/lib/cpp", "scenarios/apps/native")
TIDY_ROOTS = ("harness", "tests")
EXCLUDED = ("tests/fixtures",)

# The compile database is g++'s: clang must not stop at the GCC-only warning flags in it.
TIDY_EXTRA_ARGS = ("-Wno-unknown-warning-option",)

UNITY_BATCH = re.compile(r"/Unity/unity_\d+_cxx\.cxx$")
UNITY_SOURCE = re.compile(r'^#include "([^"]+)"$', re.MULTILINE)
PCH_ARGS = re.compile(r" -Winvalid-pch| -include \S*cmake_pch\.hxx")

DIAGNOSTIC = re.compile(r"^(?P<file>[^\s:][^:]*):(?P<line>\d+):(?P<col>\d+): "
                        r"(?P<severity>warning|error): (?P<message>.*?)(?: \[(?P<check>[^\]]+)\])?$")


def find_tool(env, names, package):
    path = os.environ.get(env) or next(filter(None, map(shutil.which, names)), None)
    if not path:
        print(f"lint: {names[0]} not found (Debian package {package}); set ${env} to use another",
              file=sys.stderr)
        sys.exit(2)
    return path


def relative(path):
    try:
        return Path(path).resolve().relative_to(ROOT).as_posix()
    except ValueError:
        return None


def in_roots(rel, roots):
    def under(d):
        return rel == d or rel.startswith(d + "/")
    return (rel is not None and rel.endswith(EXTENSIONS) and any(map(under, roots))
            and not any(map(under, EXCLUDED)))


def format_sources():
    files = []
    for root in FORMAT_ROOTS:
        files += [p for p in (ROOT / root).rglob("*") if in_roots(relative(p), FORMAT_ROOTS)]
    return sorted(files)


def run_format(args):
    clang_format = find_tool("CLANG_FORMAT", ("clang-format-14", "clang-format"), "clang-format-14")
    files = [str(p) for p in format_sources()]
    mode = ["-i"] if args.fix else ["--dry-run", "-Werror"]
    result = subprocess.run([clang_format, *mode, *files], cwd=ROOT)
    if result.returncode != 0:
        print("lint: clang-format would change the files above; scripts/lint.py format --fix "
              "rewrites them", file=sys.stderr)
        return 1
    print(f"lint: clang-format: {len(files)} files formatted")
    return 0


def without_pch(command):
    """The compile command without the build's precompiled header (a GCC one, which clang cannot
    read): each file is checked as it is written, with the includes it has."""
    return PCH_ARGS.sub("", command)


def each_source(database):
    """The database's entries as (directory, file, command), a unity build's batch (CMake's
    Unity/unity_N_cxx.cxx, which #includes its sources) as one entry per source it includes,
    with the same command."""
    for entry in database:
        batch = os.path.join(entry["directory"], entry["file"])
        command = entry.get("command") or " ".join(entry.get("arguments", []))
        if not UNITY_BATCH.search(batch):
            yield entry["directory"], entry["file"], command
            continue
        with open(batch, encoding="utf-8") as f:
            for source in UNITY_SOURCE.findall(f.read()):
                yield entry["directory"], source, command.replace(batch, source)


def main_entries(database, patterns):
    """One entry per source file under TIDY_ROOTS: the main configuration's (no -fsanitize), so a
    file built twice (the sanitized core, the fuzz targets) is checked once."""
    chosen = {}
    for directory, file, command in each_source(database):
        path = os.path.normpath(os.path.join(directory, file))
        rel = relative(path)
        if not in_roots(rel, TIDY_ROOTS) or (patterns and not any(p.search(rel) for p in patterns)):
            continue
        sanitized = "-fsanitize" in command
        if path not in chosen or (chosen[path][0] and not sanitized):
            chosen[path] = (sanitized, {"directory": directory, "file": path,
                                        "command": without_pch(command)})
    return [entry for _, entry in chosen.values()]


def split_diagnostics(output):
    """clang-tidy's output as (key, text) blocks: a warning with its code excerpt and notes."""
    blocks, current = [], None
    for line in output.splitlines():
        match = DIAGNOSTIC.match(line)
        if match:
            key = (relative(match["file"]) or match["file"], int(match["line"]), int(match["col"]),
                   (match["check"] or match["severity"]).replace(",-warnings-as-errors", ""))
            current = [key, [line]]
            blocks.append(current)
        elif current is not None:
            current[1].append(line)
    return [(key, "\n".join(lines)) for key, lines in blocks]


def run_measured(command):
    """subprocess.run(command) that also reports the child's CPU time (user + system)."""
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        child = subprocess.Popen(command, stdout=out, stderr=err, text=True)
        _, status, usage = os.wait4(child.pid, 0)
        child.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        result = subprocess.CompletedProcess(command, child.returncode, out.read(), err.read())
    result.cpu_seconds = usage.ru_utime + usage.ru_stime
    return result


def run_tidy(args):
    clang_tidy = find_tool("CLANG_TIDY", ("clang-tidy-14", "clang-tidy"), "clang-tidy-14")
    database_path = Path(args.build_dir) / "compile_commands.json"
    if not database_path.is_file():
        print(f"lint: {database_path} not found (configure the build first)", file=sys.stderr)
        return 2
    patterns = [re.compile(p) for p in args.regex]
    entries = main_entries(json.loads(database_path.read_text()), patterns)
    if not entries:
        print("lint: no source file matched", file=sys.stderr)
        return 2

    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="leakgate-tidy-") as db_dir:
        Path(db_dir, "compile_commands.json").write_text(json.dumps(entries))
        command = [clang_tidy, "--quiet", f"-p={db_dir}",
                   *(f"--extra-arg={a}" for a in TIDY_EXTRA_ARGS)]
        if args.checks:
            command.append(f"--checks={args.checks}")
        with concurrent.futures.ThreadPoolExecutor(max_workers=args.jobs) as pool:
            results = sorted(pool.map(lambda e: run_measured([*command, e["file"]]), entries),
                             key=lambda r: r.args[-1])
    elapsed = time.monotonic() - started

    seen, findings, failures = set(), [], []
    for result in results:
        path = result.args[-1]
        blocks = split_diagnostics(result.stdout)
        for key, text in blocks:
            if key not in seen:
                seen.add(key)
                findings.append((key, text))
        if result.returncode != 0 and not blocks:
            failures.append((path, result))

    for _, text in sorted(findings):
        print(text)
    for path, result in failures:
        print(f"lint: clang-tidy failed on {relative(path)} (exit {result.returncode}):\n"
              f"{result.stdout}{result.stderr}")
    by_check = {}
    for (_, _, _, check), _ in findings:
        by_check[check] = by_check.get(check, 0) + 1
    for check, count in sorted(by_check.items(), key=lambda kv: (-kv[1], kv[0])):
        print(f"  {count:4} {check}")
    cpu = sum(r.cpu_seconds for r in results)
    if args.slowest:
        print("lint: slowest files (CPU seconds):")
        for r in sorted(results, key=lambda r: -r.cpu_seconds)[:args.slowest]:
            print(f"  {r.cpu_seconds:6.1f} {relative(r.args[-1])}")
    print(f"lint: clang-tidy: {len(entries)} files, {args.jobs} jobs, {elapsed:.0f} s "
          f"({cpu:.0f} s CPU): "
          f"{len(findings)} finding(s)" + (f", {len(failures)} failed run(s)" if failures else ""))
    return 1 if findings or failures else 0


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    fmt = commands.add_parser("format", help="clang-format --dry-run -Werror over the sources")
    fmt.add_argument("--fix", action="store_true", help="rewrite the files in place instead")
    tidy = commands.add_parser("tidy", help="clang-tidy over the compile database's sources")
    tidy.add_argument("-p", "--build-dir", required=True, help="folder of compile_commands.json")
    tidy.add_argument("-j", "--jobs", type=int, default=os.cpu_count() or 2)
    tidy.add_argument("--checks", help="added to .clang-tidy's Checks (to try a check out)")
    tidy.add_argument("--slowest", type=int, default=0, metavar="N",
                      help="also print the N files that took the most CPU time")
    tidy.add_argument("regex", nargs="*", help="only the files whose path matches one of these")
    args = parser.parse_args()
    return run_format(args) if args.command == "format" else run_tidy(args)


if __name__ == "__main__":
    sys.exit(main())
