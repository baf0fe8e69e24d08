"""The `rnncheck` command line: check paths (the default), or `rule`, `explain` or `run`.

`rnncheck [PATH ...]` checks; a first argument that is exactly `rule`, `explain` or `run` names
a subcommand instead (write `./rule` to check a folder called rule).

Exit status, as ruff's: 0 when nothing is found (or `--exit-zero`), 1 when something is,
2 for a usage or configuration error, or when rnncheck failed inside on some file (that file
is then reported as RNN000 with the error, and the other files are still checked). After
`--fix`, 1 only when findings remain; with `--diff`, 1 when there is something to fix.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Sequence

from rnncheck import __version__, cache, config, report, rules, runner, source
from rnncheck.discovery import DEFAULT_EXCLUDE, Exclusion, python_files
from rnncheck.globs import GlobError
from rnncheck.project import root_of
from rnncheck.selection import Layer, PerFileIgnores, SelectorError, resolve

FORMAT_VARIABLE = "RNNCHECK_OUTPUT_FORMAT"
"""Sets the default `--output-format`, as RUFF_OUTPUT_FORMAT does for ruff."""

STDIN = "-"

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
        if arguments[:1] == ["run"]:
            from rnncheck.runtime import run

            return run.main(arguments[1:])
        with runner.collected_rarely():  # the index and the cache's tables too
            return check(arguments)
    except (UsageError, config.ConfigError, SelectorError, GlobError) as error:
        print(f"rnncheck: error: {error}", file=sys.stderr)
        return EXIT_ERROR
    except Exception:  # a bug in rnncheck must not read as exit 1, "findings"
        import traceback  # only now: every run would pay for it

        traceback.print_exc()
        print("rnncheck: internal error (please report it)", file=sys.stderr)
        return EXIT_ERROR


def check_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="rnncheck",
        description="Find misuses of PyTorch's RNN, LSTM and GRU results in Python files.",
        epilog="Subcommands: `rnncheck rule CODE|--all` prints rule documentation, "
        "`rnncheck explain ...` explains a layout, `rnncheck run SCRIPT` runs a program under the "
        "runtime checks. To check a folder named rule, write ./rule.",
    )
    codes_list = {"type": _comma_separated, "action": "extend", "metavar": "CODES"}
    parser.add_argument(
        "paths", nargs="*", metavar="PATH", help="files or folders (default: .), or - for stdin"
    )
    parser.add_argument("--select", **codes_list, help="run only these codes or prefixes (or ALL)")
    parser.add_argument("--extend-select", **codes_list, default=[], help="run these as well")
    parser.add_argument("--ignore", **codes_list, default=[], help="skip these codes or prefixes")
    globs = {"type": _comma_separated, "action": "extend", "metavar": "GLOBS"}
    parser.add_argument("--exclude", **globs, help="replace the excluded files and folders")
    parser.add_argument("--extend-exclude", **globs, default=[], help="exclude these as well")
    parser.add_argument(
        "--force-exclude", action="store_true", help="apply exclusions to paths named here too"
    )
    gitignore = {"dest": "respect_gitignore", "default": None}
    parser.add_argument(
        "--respect-gitignore", action="store_true", **gitignore, help="skip what git ignores"
    )
    parser.add_argument(
        "--no-respect-gitignore",
        action="store_false",
        **gitignore,
        help="check files that git ignores too",
    )
    parser.add_argument("--config", metavar="FILE", help="a pyproject.toml or rnncheck.toml")
    parser.add_argument(
        "--project",
        metavar="DIR",
        help="the project whose files give facts (default: found from each file, see README)",
    )
    parser.add_argument(
        "--output-format",
        choices=tuple(report.FORMATS),
        help=f"how findings print (default: ${FORMAT_VARIABLE}, else full)",
    )
    parser.add_argument("-o", "--output-file", metavar="FILE", help="write the report to FILE")
    parser.add_argument("--fix", action="store_true", help="apply the safe fixes")
    parser.add_argument(
        "--unsafe-fixes", action="store_true", help="count unsafe fixes as applicable too"
    )
    parser.add_argument(
        "--diff", action="store_true", help="print the fixes as a diff; write nothing"
    )
    parser.add_argument("--show-fixes", action="store_true", help="list what --fix fixed")
    parser.add_argument(
        "--stdin-filename", metavar="NAME", help="the name of the file read from - (stdin)"
    )
    parser.add_argument("--statistics", action="store_true", help="count findings per code")
    parser.add_argument("--exit-zero", action="store_true", help="exit 0 even with findings")
    parser.add_argument(
        "--jobs", type=_positive, metavar="N", help="processes (default: by file count and CPUs)"
    )
    parser.add_argument(
        "--cache-dir",
        metavar="DIR",
        help=f"where the cache lives (default: ${cache.VARIABLE}, else {cache.FOLDER} in the "
        "project root)",
    )
    parser.add_argument(
        "-n", "--no-cache", action="store_true", help="neither read nor write the cache"
    )
    loudness = parser.add_mutually_exclusive_group()
    loudness.add_argument("-q", "--quiet", action="store_true", help="print findings only")
    loudness.add_argument("-v", "--verbose", action="store_true", help="report progress on stderr")
    parser.add_argument("--version", action="version", version=f"rnncheck {__version__}")
    return parser


def check(arguments: Sequence[str]) -> int:
    options = check_parser().parse_args(arguments)
    output_format = _output_format(options.output_format)
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
    given = _standard_input(options)
    exclusion = _exclusion(settings, options)
    named = options.paths or ["."]
    if given:
        paths = list(given)
        named = [os.path.dirname(path) if path != STDIN else "." for path in paths]
    else:
        try:
            paths = python_files(named, exclusion, options.force_exclude)
        except FileNotFoundError as missing:
            raise UsageError(f"path does not exist: {missing}") from None
    roots = _roots(paths, named, options.project)
    if not paths and not options.quiet:
        print("warning: No Python files found under the given path(s)", file=sys.stderr)
    fixing = runner.Fixing(options.unsafe_fixes) if options.fix or options.diff else None
    started = time.perf_counter()
    kept = None
    if not options.no_cache and not given:  # nothing is kept for standard input
        home = roots[0] if len(roots) == 1 else settings.root  # where the cache lives
        kept = cache.Cache.open(cache.location(home, options.cache_dir))
    results = runner.check_files(
        [(path, per_file.rules_for(path, selected)) for path in paths],
        options.jobs,
        fixing,
        given,
        kept,
        _project_files(paths, named, roots, exclusion, bool(given or options.force_exclude)),
        roots,
    )
    if options.verbose:
        elapsed = time.perf_counter() - started
        print(f"rnncheck: checked {len(paths)} files in {elapsed:.2f}s", file=sys.stderr)
    for finding in results.broken:
        print(
            f"rnncheck: error: the fix for {finding.code} at {report.place(finding)} would leave "
            "the file unparsable: not applied",
            file=sys.stderr,
        )
    if options.diff:
        return _show_diff(results, options)
    texts = {path: source.shown(after) for path, (_, after) in results.changed.items()}
    if given:
        texts = {path: source.shown(content) for path, content in given.items()}
        texts.update({p: source.shown(after) for p, (_, after) in results.changed.items()})
    if options.fix and given:  # an editor's filter: the fixed source out, the report aside
        (path,) = given
        sys.stdout.buffer.write(results.changed.get(path, (b"", given[path]))[1])
        sys.stdout.flush()
    elif options.fix:
        for path, (_, after) in results.changed.items():
            with open(path, "wb") as handle:
                handle.write(after)
    view = report.View(unsafe_fixes=options.unsafe_fixes, texts=texts)
    shown = _rendered(results, options, output_format, view)
    _write_report(shown, options, to_stderr=bool(options.fix and given))
    if results.crashed:
        return EXIT_ERROR
    return EXIT_FOUND if results.findings and not options.exit_zero else EXIT_CLEAN


def _project_files(
    paths: list[str],
    named: Sequence[str],
    roots: tuple[str, ...],
    exclusion: Exclusion,
    apart: bool,
) -> list[str]:
    """Every file of the projects under `roots`: the files to check when they were found by
    walking the named folders and those are the roots (and not `apart`, from standard input
    or `--force-exclude`), else a walk of the roots."""
    folders = {os.path.abspath(path) for path in named}
    if not apart and tuple(sorted(folders)) == roots and all(map(os.path.isdir, folders)):
        return paths
    return python_files(roots, exclusion)


def _roots(paths: Sequence[str], named: Sequence[str], project: str | None) -> tuple[str, ...]:
    """The projects the checked files belong to (`--project`, else each file's own root)."""
    if project is not None:
        if not os.path.isdir(project):
            raise UsageError(f"--project must be a folder: {project}")
        return (os.path.abspath(project),)
    cwd = os.getcwd()
    found: set[str] = set()
    for given in named:
        folder = os.path.abspath(given)
        inside = [p for p in paths if p == folder or p.startswith(folder.rstrip(os.sep) + os.sep)]
        found.update(root_of(path, given, cwd) for path in inside)
    return tuple(sorted(found))


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
    """`--exclude` replaces the configured `exclude`, which replaces the defaults; the last of
    `--respect-gitignore` and `--no-respect-gitignore` wins over `respect-gitignore`."""
    exclude = options.exclude if options.exclude is not None else settings.exclude
    patterns = DEFAULT_EXCLUDE if exclude is None else exclude
    respect = options.respect_gitignore
    if respect is None:
        respect = settings.respect_gitignore is not False
    return Exclusion(
        (*patterns, *settings.extend_exclude, *options.extend_exclude), settings.root, respect
    )


def _output_format(given: str | None) -> str:
    """`--output-format`, else $RNNCHECK_OUTPUT_FORMAT, else the first format (full)."""
    chosen = given or os.environ.get(FORMAT_VARIABLE) or next(iter(report.FORMATS))
    if chosen not in report.FORMATS:
        raise UsageError(
            f"${FORMAT_VARIABLE} is `{chosen}`, not one of: {', '.join(report.FORMATS)}"
        )
    return chosen


def _standard_input(options: argparse.Namespace) -> dict[str, bytes]:
    """`-` as the path: the file read from standard input, by its `--stdin-filename`."""
    if STDIN not in options.paths:
        return {}
    if len(options.paths) > 1:
        raise UsageError("`-` (standard input) must be the only path")
    name = os.path.abspath(options.stdin_filename) if options.stdin_filename else STDIN
    return {name: sys.stdin.buffer.read()}


def _rendered(
    results: runner.Results, options: argparse.Namespace, output_format: str, view: report.View
) -> str:
    findings = results.findings
    if options.statistics:
        shown = report.statistics(findings, output_format == "json", view)
    else:
        shown = report.FORMATS[output_format](findings, view)
    if output_format in report.SUMMARISED and not options.quiet:
        if options.show_fixes and results.fixed:
            shown += f"\n{report.fixed_summary(results.fixed)}\n"
        shown += report.summary(findings, len(results.fixed), None if options.fix else view)
    return shown


def _write_report(shown: str, options: argparse.Namespace, to_stderr: bool) -> None:
    if options.output_file:
        folder = os.path.dirname(os.path.abspath(options.output_file))
        os.makedirs(folder, exist_ok=True)
        with open(options.output_file, "w", encoding="utf-8") as handle:
            handle.write(shown)
    else:
        (sys.stderr if to_stderr else sys.stdout).write(shown)


def _show_diff(results: runner.Results, options: argparse.Namespace) -> int:
    """`--diff`: each changed file as a unified diff; exit 1 when there is one."""
    diffs = "".join(_diff(path, before, after) for path, (before, after) in results.changed.items())
    _write_report(diffs, options, to_stderr=False)
    count = len(results.fixed)
    if not options.quiet:
        message = f"Would fix {count} error{'' if count == 1 else 's'}." if count else ""
        print(message or "No errors would be fixed.", file=sys.stderr)
    if results.crashed:
        return EXIT_ERROR
    return EXIT_FOUND if results.changed else EXIT_CLEAN


def _diff(path: str, before: bytes, after: bytes) -> str:
    import difflib  # only for `--diff`

    name = report.display_path(path)
    old, new = (_diff_lines(content) for content in (before, after))
    return "".join(difflib.unified_diff(old, new, name, name)) + "\n"


def _diff_lines(content: bytes) -> list[str]:
    lines = source.shown(content).splitlines(keepends=True)
    if lines and not lines[-1].endswith(("\n", "\r")):
        lines[-1] += "\n\\ No newline at end of file\n"
    return lines


def _comma_separated(value: str) -> list[str]:
    return [item.strip() for item in value.split(",") if item.strip()]


def _positive(value: str) -> int:
    number = int(value)
    if number < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, not {number}")
    return number
