"""The `rnncheck` command line: check paths (the default), or `rule`, or `explain`.

`rnncheck [PATH ...]` checks; a first argument that is exactly `rule` or `explain` names a
subcommand instead (write `./rule` to check a folder called rule).

Exit status, as ruff's: 0 when nothing is found (or `--exit-zero`), 1 when something is,
2 for a usage or configuration error, or when rnncheck failed inside on some file (that file
is then reported as RNN000 with the error, and the other files are still checked).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
import traceback
from collections.abc import Sequence

from rnncheck import __version__, config, report, rules, runner
from rnncheck.discovery import DEFAULT_EXCLUDE, Exclusion, python_files
from rnncheck.finding import Finding
from rnncheck.globs import GlobError
from rnncheck.selection import Layer, PerFileIgnores, SelectorError, resolve

SUBCOMMANDS = ("rule", "explain")

EXIT_CLEAN, EXIT_FOUND, EXIT_ERROR = 0, 1, 2


class UsageError(Exception):
    """A mistake in the arguments or the configuration: reported in one line, exit status 2."""


def main(argv: Sequence[str] | None = None) -> int:
    arguments = list(sys.argv[1:] if argv is None else argv)
    try:
        if arguments[:1] == ["rule"]:
            return rule_pages(arguments[1:])
        if arguments[:1] == ["explain"]:
            from rnncheck import explain

            return explain.main(arguments[1:])
        return check(arguments)
    except (UsageError, config.ConfigError, SelectorError, GlobError) as error:
        print(f"rnncheck: error: {error}", file=sys.stderr)
        return EXIT_ERROR
    except Exception:  # a bug in rnncheck must not read as exit 1, "findings"
        traceback.print_exc()
        print("rnncheck: internal error (please report it)", file=sys.stderr)
        return EXIT_ERROR


def check_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="rnncheck",
        description="Find misuses of PyTorch's RNN, LSTM and GRU results in Python files.",
        epilog="Subcommands: `rnncheck rule CODE|--all` prints rule documentation, "
        "`rnncheck explain ...` explains a layout. To check a folder named rule, write ./rule.",
    )
    codes_list = {"type": _comma_separated, "action": "extend", "metavar": "CODES"}
    parser.add_argument("paths", nargs="*", metavar="PATH", help="files or folders (default: .)")
    parser.add_argument("--select", **codes_list, help="run only these codes or prefixes (or ALL)")
    parser.add_argument("--extend-select", **codes_list, default=[], help="run these as well")
    parser.add_argument("--ignore", **codes_list, default=[], help="skip these codes or prefixes")
    globs = {"type": _comma_separated, "action": "extend", "metavar": "GLOBS"}
    parser.add_argument("--exclude", **globs, help="replace the excluded files and folders")
    parser.add_argument("--extend-exclude", **globs, default=[], help="exclude these as well")
    parser.add_argument(
        "--force-exclude", action="store_true", help="apply exclusions to paths named here too"
    )
    parser.add_argument("--config", metavar="FILE", help="a pyproject.toml or rnncheck.toml")
    parser.add_argument(
        "--output-format", choices=tuple(report.FORMATS), default=next(iter(report.FORMATS))
    )
    parser.add_argument("--statistics", action="store_true", help="count findings per code")
    parser.add_argument("--exit-zero", action="store_true", help="exit 0 even with findings")
    parser.add_argument(
        "--jobs", type=_positive, metavar="N", help="processes (default: by file count and CPUs)"
    )
    loudness = parser.add_mutually_exclusive_group()
    loudness.add_argument("-q", "--quiet", action="store_true", help="print findings only")
    loudness.add_argument("-v", "--verbose", action="store_true", help="report progress on stderr")
    parser.add_argument("--version", action="version", version=f"rnncheck {__version__}")
    return parser


def check(arguments: Sequence[str]) -> int:
    options = check_parser().parse_args(arguments)
    settings = config.load(options.config) if options.config else config.find(os.getcwd())
    origin = f"`{settings.path}`" if settings.path else "the defaults"
    selected = resolve(
        [
            Layer(origin, settings.select, settings.extend_select, settings.ignore),
            Layer(
                "the command line", options.select, (*options.extend_select,), (*options.ignore,)
            ),
        ],
        rules.ALL_RULES,
    )
    per_file = PerFileIgnores(settings.per_file_ignores, settings.root, rules.ALL_RULES, origin)
    try:
        paths = python_files(
            options.paths or ["."], _exclusion(settings, options), options.force_exclude
        )
    except FileNotFoundError as missing:
        raise UsageError(f"path does not exist: {missing}") from None
    if not paths and not options.quiet:
        print("warning: No Python files found under the given path(s)", file=sys.stderr)
    started = time.perf_counter()
    results = runner.check_files(
        [(path, per_file.rules_for(path, selected)) for path in paths], options.jobs
    )
    if options.verbose:
        elapsed = time.perf_counter() - started
        print(f"rnncheck: checked {len(paths)} files in {elapsed:.2f}s", file=sys.stderr)
    sys.stdout.write(_rendered(results.findings, options))
    if results.crashed:
        return EXIT_ERROR
    return EXIT_FOUND if results.findings and not options.exit_zero else EXIT_CLEAN


def rule_pages(arguments: Sequence[str]) -> int:
    """`rnncheck rule CODE` or `rnncheck rule --all`: print rule documentation."""
    parser = argparse.ArgumentParser(prog="rnncheck rule", description="Print a rule's page.")
    which = parser.add_mutually_exclusive_group(required=True)
    which.add_argument("code", nargs="?", help="a rule code, e.g. RNN201")
    which.add_argument("--all", action="store_true", help="every rule's page, in code order")
    options = parser.parse_args(arguments)
    if options.all:
        sys.stdout.write("\n".join(rule.page() for rule in rules.ALL_RULES))
        return EXIT_CLEAN
    rule = rules.by_code().get(options.code.upper())
    if rule is None:
        raise UsageError(f"unknown rule code `{options.code}`")
    sys.stdout.write(rule.page())
    return EXIT_CLEAN


def _exclusion(settings: config.Config, options: argparse.Namespace) -> Exclusion:
    """`--exclude` replaces the configured `exclude`, which replaces the defaults."""
    exclude = options.exclude if options.exclude is not None else settings.exclude
    patterns = DEFAULT_EXCLUDE if exclude is None else exclude
    return Exclusion((*patterns, *settings.extend_exclude, *options.extend_exclude), settings.root)


def _rendered(findings: list[Finding], options: argparse.Namespace) -> str:
    text_format = options.output_format in report.SUMMARISED
    if options.statistics:
        shown = report.statistics(findings, as_json=options.output_format == "json")
    else:
        shown = report.FORMATS[options.output_format](findings)
    if text_format and not options.quiet:
        shown += report.summary(findings)
    return shown


def _comma_separated(value: str) -> list[str]:
    return [item.strip() for item in value.split(",") if item.strip()]


def _positive(value: str) -> int:
    number = int(value)
    if number < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, not {number}")
    return number
