"""The batch commands of `vanban`: ingest, watch, quarantine list|retry, verify (registered on cli.main).

Made for cron, where any output is mailed and silence is success. On a terminal: a progress bar on stderr,
then the quarantined files and a one-line summary on stdout. Not on a terminal (cron, a pipe): no progress
at all, one line on stderr per file quarantined (as it happens), the one-line summary on stdout. With
--quiet: nothing on success; a quarantined file still gets its line on stderr (the run succeeds, exit 0,
but someone should look at the file: cron mails it); errors on stderr with the exit code. --json prints
the report on stdout, whatever else is asked."""
from __future__ import annotations

import json
import math
import os
import sys

import click


def _reporter(label: str, as_json: bool, quiet: bool = False):
    """A progress callback (done, total, entry) and a closer: a bar on a terminal (unless --quiet or --json);
    otherwise only a line on stderr per quarantined file."""
    if sys.stderr.isatty() and not as_json and not quiet:
        bar = click.progressbar(length=1, label=label, file=sys.stderr)

        def tick(done, total, entry=None):
            bar.length = max(total, 1)
            bar.update(done - bar.pos)
        return tick, bar.render_finish

    def log(done, total, entry=None):
        if entry and entry.get("outcome") == "quarantined":
            click.echo(f"vanban: quarantined {entry['path']!r} [{entry['reason']}]", err=True)
    return log, lambda: None


def _summary(report: dict) -> str:
    """The run in one line."""
    counts = ", ".join(f"{v} {k.replace('_', ' ')}" for k, v in report["counts"].items() if v)
    unchanged = report["files"] and report["counts"]["skipped"] + report["counts"]["duplicate"] == len(report["files"])
    return (f"{len(report['files'])} files: {counts or 'nothing'}; {report['new_documents']} new documents, "
            f"{report['new_edges']} new citations, {report['stubs_resolved']} cited documents arrived"
            + ("; nothing new: every file was already archived or quarantined" if unchanged else ""))


def _quiet_option(fn):
    return click.option("--quiet", is_flag=True,
                        help="For cron: print nothing when it worked; quarantined files and errors still on stderr.")(fn)


def _print_report(report: dict, as_json: bool, quiet: bool) -> None:
    if as_json:
        click.echo(json.dumps(report, ensure_ascii=False, indent=1))
        return
    if quiet:
        return
    if sys.stderr.isatty():  # not on a terminal they were logged on stderr during the run
        for f in report["files"]:
            if f["outcome"] == "quarantined":
                click.echo(f"quarantined  {f['path']}  [{f['reason']}]")
    click.echo(_summary(report))


class _Seconds(click.FloatRange):
    """A number of seconds: FloatRange lets nan (no limit, silently) and inf (a traceback in sleep) through."""

    def convert(self, value, param, ctx):
        seconds = super().convert(value, param, ctx)
        if not math.isfinite(seconds):
            self.fail(f"{value!r} is not a number of seconds", param, ctx)
        return seconds


def _limit_options(fn):
    from pipeline.batch.workers import DEFAULT_MEMORY_MB, DEFAULT_TIMEOUT_S

    # past 1 TiB the worker's address-space limit overflows and every file is quarantined `corrupt`
    fn = click.option("--memory-mb", type=click.IntRange(0, 1 << 20), default=DEFAULT_MEMORY_MB, show_default=True,
                      help="Memory a worker may add while reading one file (0: no cap).")(fn)
    fn = click.option("--timeout", type=_Seconds(min=1), default=DEFAULT_TIMEOUT_S, show_default=True,
                      help="Seconds one file may take before its worker is killed (quarantined: timeout).")(fn)
    return click.option("--workers", type=click.IntRange(0), default=0,
                        help="Worker processes (default: one per core).")(fn)


def register(main, db_option, pdf_options) -> None:
    @main.command()
    @click.argument("paths", nargs=-1, required=True, type=click.Path(exists=False, path_type=str))
    @db_option
    @click.option("--json", "as_json", is_flag=True, help="Print the run report as JSON (schema vanban.run/1).")
    @_limit_options
    @click.option("--settle", type=_Seconds(0, 3600), default=1.0, show_default=True,
                  help="A file changed this recently is checked again after this many seconds; still changing: "
                       "left for the next run.")
    @click.option("--dask", "dask_address", default=None, metavar="ADDRESS",
                  help="Parse on this Dask scheduler (tcp://host:8786); the archive is still written here.")
    @click.option("--reference", is_flag=True,
                  help="Documents imported for reference (a portal corpus), not letters received: filed and "
                       "searchable, but given no số đến in the register. A folder holding a file named "
                       ".vanban-reference is imported so without it.")
    @_quiet_option
    @pdf_options
    def ingest(paths, db, as_json, workers, timeout, memory_mb, settle, dask_address, reference, quiet, pdf_engine,
               no_ocr):
        """File every letter under PATHS into the archive. Originals are stored by SHA-256 before anything else;
        each file is read in a watched worker process (time and memory limits); unreadable files go to the
        quarantine folder with their reason; every file appears once in the report. One run at a time per
        archive (a second exits 3); a run killed at any point is finished by the next. Letters are filed, and
        numbered in the register (số đến), in arrival order: the file's modification time, then its path. Example:

            vanban ingest --reference ../shared/corpus/vbpl/docs --db outputs/vbpl.sqlite
        """
        from pipeline.batch import Options, run_ingest
        from pipeline.errors import UsageError

        for path in paths:  # a typo is not an empty inbox (lexists: a dangling link is the batch's to report)
            if not os.path.lexists(path):
                raise UsageError(f"{path}: no such file or folder")
        options = Options(workers=workers, timeout=timeout, memory_mb=memory_mb, settle=settle,
                          pdf_engine=pdf_engine, ocr=not no_ocr, dask=dask_address)
        tick, done = _reporter("filing letters", as_json, quiet)
        report = run_ingest(paths, db, options=options, progress=tick, reference=reference)
        done()
        _print_report(report, as_json, quiet)

    @main.command()
    @click.argument("folder", type=click.Path(exists=False, path_type=str))
    @db_option
    @click.option("--interval", type=_Seconds(0.1, 3600), default=5.0, show_default=True,
                  help="Seconds between two looks at the folder.")
    @click.option("--settle", type=_Seconds(0, 3600), default=5.0, show_default=True,
                  help="A file is taken once its size and time have not changed for this many seconds (and, where "
                       "the system can tell, no program has it open for writing).")
    @click.option("--once", is_flag=True,
                  help="One pass (for cron): file what is there, waiting --settle for files still arriving, then exit.")
    @click.option("--done", "done_folder", default=None, type=click.Path(file_okay=False, path_type=str),
                  metavar="DIR", help="Move each file that is in the archive after its run into DIR (outside FOLDER). "
                                      "Without it the originals are never touched.")
    @click.option("--json", "as_json", is_flag=True,
                  help="One JSON line per file (its entry of the run report vanban.run/1).")
    @_limit_options
    @_quiet_option
    @pdf_options
    def watch(folder, db, interval, settle, once, done_folder, as_json, workers, timeout, memory_mb, quiet,
              pdf_engine, no_ocr):
        """File whatever lands in FOLDER (a scanner's, a mail client's) with the batch's limits, quarantine and
        lock: a file is taken once it stops growing; while another run holds the archive the watch waits its
        turn. Runs until stopped (SIGTERM, Ctrl-C: exit 0 at the next safe point); --once for cron. One line per
        file (quarantined files on stderr); --quiet: nothing on success. Example:

            vanban watch /srv/scans --db /srv/vanban/archive.sqlite --quiet
        """
        from pipeline.batch import Options
        from pipeline.batch.watch import Settings
        from pipeline.batch.watch import watch as run_watch
        from pipeline.errors import UsageError

        if not os.path.isdir(folder):
            raise UsageError(f"{folder}: no such folder")
        options = Options(workers=workers, timeout=timeout, memory_mb=memory_mb, pdf_engine=pdf_engine,
                          ocr=not no_ocr)
        terminal = sys.stderr.isatty() and not quiet and not as_json

        shown = [None]  # the progress line now on the terminal

        def status(text):
            if terminal and text != shown[0]:
                click.echo(f"\r\x1b[K{text}", err=True, nl=False)
                shown[0] = text

        def on_file(entry):
            if terminal:
                click.echo("\r\x1b[K", err=True, nl=False)
                shown[0] = None
            if as_json:
                click.echo(json.dumps(entry, ensure_ascii=False))
            if entry["outcome"] == "quarantined":
                click.echo(f"vanban: quarantined {entry['path']!r} [{entry['reason']}]", err=True)
            elif not quiet and not as_json:
                what = entry["key"] or entry["reason"] or ""
                moved = f" → {entry['moved_to']}" if entry.get("moved_to") else ""
                click.echo(f"{entry['outcome'].replace('_', ' '):<18} {entry['path']}  {what}{moved}".rstrip())

        counts = run_watch(folder, db, options, Settings(interval=interval, settle=settle, done=done_folder, once=once),
                           on_file=on_file, on_status=status)
        if terminal:
            click.echo("", err=True)
        if not quiet and not as_json:
            summary = ", ".join(f"{v} {k.replace('_', ' ')}" for k, v in counts.items() if v) or "nothing"
            click.echo(f"watch of {folder} ended: {summary}")

    @main.group()
    def quarantine():
        """The files the batch could not file, kept unchanged beside the archive with their reason. Example:

            vanban quarantine list --reason too_big
        """

    @quarantine.command("list")
    @db_option
    @click.option("--reason", default=None, help="Only this reason (e.g. timeout, too_big, encrypted).")
    @click.option("--all", "show_all", is_flag=True, help="Also the ones a retry has since filed.")
    @click.option("--json", "as_json", is_flag=True)
    def quarantine_list(db, reason, show_all, as_json):
        """List quarantined files: id, reason, path, message. Example:

            vanban quarantine list --reason timeout
        """
        from pipeline.archive import Archive
        from pipeline.batch import quarantine as qr

        with Archive(db, create=False) as archive:
            rows = qr.entries(archive, reason, released=show_all)
        if as_json:
            click.echo(json.dumps(rows, ensure_ascii=False, indent=1))
            return
        for r in rows:
            click.echo(f"{r['id'][:16]}  {r['reason']:<18} {r['path']}{'  (released)' if r['released'] else ''}\n"
                       f"{'':18}{r['message']}")
        click.echo(f"{len(rows)} quarantined file{'s' * (len(rows) != 1)}")

    @quarantine.command("retry")
    @click.argument("ids", nargs=-1)
    @db_option
    @click.option("--reason", default=None, help="Retry every file quarantined for this reason.")
    @click.option("--json", "as_json", is_flag=True, help="Print the run report as JSON.")
    @_limit_options
    @_quiet_option
    @pdf_options
    def quarantine_retry(ids, db, reason, as_json, workers, timeout, memory_mb, quiet, pdf_engine, no_ocr):
        """Read quarantined files again (after an upgrade, or with a longer --timeout): those that read now are
        filed; the others stay with their new reason. IDS are ids or SHA-256s from `quarantine list`; none:
        every file (or every file of --reason). Example:

            vanban quarantine retry --reason timeout --timeout 300
        """
        from pipeline.archive import Archive
        from pipeline.batch import Options, retry_quarantined
        from pipeline.errors import UsageError

        if not ids and not reason:
            raise UsageError("name the files to retry (ids from `vanban quarantine list`) or a --reason")
        Archive(db, create=False).close()  # a mistyped --db has no quarantine: say so, make nothing
        options = Options(workers=workers, timeout=timeout, memory_mb=memory_mb, pdf_engine=pdf_engine, ocr=not no_ocr)
        tick, done = _reporter("retrying", as_json, quiet)
        report = retry_quarantined(db, list(ids), reason, options=options, progress=tick)
        done()
        _print_report(report, as_json, quiet)

    @main.command()
    @db_option
    @click.option("--json", "as_json", is_flag=True)
    @_quiet_option
    def verify(db, as_json, quiet):
        """Hash every stored original and quarantined copy again: report changed, missing and untracked files
        (nothing is modified). Exits 4 when an original changed or is missing. Example:

            vanban verify --db outputs/archive.sqlite
        """
        from pipeline.archive import Archive
        from pipeline.batch.verify import verify as run_verify
        from pipeline.errors import StorageError

        tick, done = _reporter("verifying", as_json, quiet)
        with Archive(db, create=False) as archive:
            report = run_verify(archive, progress=lambda i, n: tick(i, n))
        done()
        if as_json:
            click.echo(json.dumps(report, ensure_ascii=False, indent=1))
        elif not quiet:
            click.echo(f"{report['checked']} files checked: {report['ok']} unchanged, {len(report['changed'])} changed, "
                       f"{len(report['missing'])} missing, {len(report['untracked'])} untracked")
            for file in report["untracked"]:  # not a failure (exit 0): under --quiet, not printed
                click.echo(f"  untracked: {file}")
        if report["changed"] or report["missing"]:
            for kind in ("changed", "missing"):  # with the failure, on stderr (under --quiet too)
                for item in report[kind]:
                    click.echo(f"vanban: {kind}: {item['file']} (filed from {item['path']})", err=True)
            error = StorageError(f"{len(report['changed'])} changed and {len(report['missing'])} missing files in the store")
            error.reported = as_json  # the JSON report already says it: no second object on stdout
            raise error
