"""``imft project ...``: keep a cohort in a project file, correct it, add to it, read its log.

::

    imft project create P.imftproj FILE [--profile PROFILE] [import options]
    imft project add    P.imftproj FILE [--accept-updates]
    imft project edit   P.imftproj --sample ID --field FIELD --value VALUE --reason TEXT
    imft project log    P.imftproj [--json]
    imft project info   P.imftproj [--json]

Every analysis command (``info``, ``summary``, ``survival``, ``response``, ``report``,
``export``, ``validate``) also takes a project wherever it takes FILE.  Exit codes: 0
done, 1 the change was refused (a value the field cannot hold), 2 a file cannot be read
or written (read-only, disk full: one line, nothing lost) or the call is wrong.
``--json`` outputs are a contract: keys are added, never renamed.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from imft_desktop.cli.cmd_validate import (
    UsageError,
    add_import_arguments,
    import_options,
    report_unreadable,
)

NAME = "project"
HELP = "Keep a cohort in a project file (.imftproj): create, add cases, correct, log, info."


def add_arguments(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="project_command", metavar="ACTION")
    p = sub.add_parser("create", help="a new project from a file",
                       description="Create a project file holding FILE as its first import.")
    p.add_argument("project", metavar="P.imftproj")
    add_import_arguments(p)
    p = sub.add_parser("add", help="add the next batch of cases from a file",
                       description="Add FILE to the project: new cases are added; changed "
                                   "values of cases already present are listed, and taken "
                                   "only with --accept-updates.")
    p.add_argument("project", metavar="P.imftproj")
    add_import_arguments(p)
    p.add_argument("--accept-updates", action="store_true",
                   help="take every changed value of cases already in the project")
    p.add_argument("--same-case", action="append", default=[], metavar="FILE_ID=PROJECT_ID",
                   help="an identifier of FILE that differs from a project one only in case "
                        "or spacing is the same case (repeat for several)")
    p = sub.add_parser("edit", help="correct one value, with a reason",
                       description="Correct one value; it is read like an imported value.")
    p.add_argument("project", metavar="P.imftproj")
    p.add_argument("--sample", required=True, metavar="ID")
    p.add_argument("--field", required=True, metavar="FIELD",
                   help="e.g. age, outcomes.pfs_months, fish[ALK].percent_split, "
                        "ihc[ALK D5F3].call")
    p.add_argument("--value", required=True, metavar="VALUE")
    p.add_argument("--reason", required=True, metavar="TEXT",
                   help="why the value is corrected (kept in the audit log)")
    p.add_argument("--json", action="store_true", help="print the correction as JSON")
    for name, text in (("log", "the audit log: every change, who, when and why"),
                       ("info", "imports, source files (changed since?), corrections")):
        p = sub.add_parser(name, help=text, description=f"Show {text}.")
        p.add_argument("project", metavar="P.imftproj")
        p.add_argument("--json", action="store_true", help="print JSON")


def _fail(action: str, message: str, code: int = 2) -> int:
    print(f"imft project {action}: {message}", file=sys.stderr)
    return code


def run(args: argparse.Namespace) -> int:
    from imft_desktop.io.project import CorrectionRejected
    from imft_desktop.io.read.raw import UnreadableFile
    from imft_desktop.io.store import StoreError

    action = getattr(args, "project_command", None)
    if action is None:
        print("imft project: say what to do: create, add, edit, log or info "
              "(imft project --help)", file=sys.stderr)
        return 2
    if not str(args.project).lower().endswith(".imftproj"):
        return _fail(action, f"{Path(args.project).name}: a project file name ends in "
                             ".imftproj")
    try:
        return int(_ACTIONS[action](args))
    except UsageError as exc:
        return _fail(action, str(exc))
    except StoreError as exc:
        return _fail(action, str(exc))
    except CorrectionRejected as exc:
        return _fail(action, str(exc), 1)
    except UnreadableFile as exc:
        return report_unreadable(args.file, exc.message)
    except (FileNotFoundError, IsADirectoryError, PermissionError) as exc:
        return report_unreadable(getattr(args, "file", args.project),
                                 exc.strerror or type(exc).__name__)
    except BrokenPipeError:
        raise  # the reader went away (| head): main() ends quietly
    except OSError as exc:  # a full disk while reading a source, a network drive gone
        return _fail(action, exc.strerror or str(exc))


def _create(args: argparse.Namespace) -> int:
    from imft_desktop.io.project import Project

    options = import_options(args)
    with Project.create(args.project, args.file, options) as project:
        cohort = project.cohort
        report: dict[str, Any] = {"project": Path(args.project).name, "samples": cohort.n_samples,
                  "findings": cohort.findings.counts(),
                  "import": project.imports()[0].to_dict(),
                  "audit_position": project.repo.audit_position()}
    if args.json:
        print(json.dumps(report, ensure_ascii=False, indent=1))
    else:
        rec = report["import"]
        print(f"{report['project']}: created from {rec['file']} (sha256 {rec['sha256'][:12]}), "
              f"{cohort.summary_line()}")
    return 0


def _add(args: argparse.Namespace) -> int:
    from imft_desktop.io.project import Project

    options = import_options(args)
    same_case = {}
    for pair in args.same_case:
        batch_id, sep, project_id = pair.partition("=")
        if not sep or not batch_id.strip() or not project_id.strip():
            raise UsageError(f'--same-case: "{pair}" should look like "syn 01=SYN-01"')
        same_case[batch_id.strip()] = project_id.strip()
    with Project.open(args.project) as project:
        cmp, how = project.compare_file(args.file, options, same_case=same_case)
        unknown = [b for b, p in same_case.items()
                   if p not in set(project.cohort.sample_ids)]
        if unknown:
            raise UsageError(f"--same-case: {', '.join(unknown)} is matched to a sample the "
                             "project does not have")
        nothing_new = not cmp.new_records and not cmp.updates and not cmp.clashes
        accepted = [u.number for u in cmp.updates] if args.accept_updates else []
        result: dict[str, Any] = {"project": Path(args.project).name,
                                  "file": cmp.batch.sources[0].name, **cmp.to_dict()}
        if nothing_new:
            result["import"] = None
        else:
            result.update(project.add_batch(
                cmp, how, accepted, rejected_why=None if args.accept_updates
                else "not taken: imft project add without --accept-updates"))
        result["accepted"] = accepted
        result["audit_position"] = project.repo.audit_position()
        samples = project.cohort.n_samples
    if args.json:
        print(json.dumps(result, ensure_ascii=False, indent=1, default=str))
        return 0
    name = result["file"]
    if nothing_new:
        print(f"{name}: nothing new; every case and value is already in the project.")
        return 0
    print(f"{name}: {len(cmp.new_samples)} new case{'s' * (len(cmp.new_samples) != 1)}"
          f" ({cmp.added_record_count} records); project now {samples} samples.")
    if cmp.updates:
        verb = "accepted" if args.accept_updates else "NOT taken (use --accept-updates)"
        print(f"{len(cmp.updates)} changed value{'s' * (len(cmp.updates) != 1)} of cases "
              f"already present, {verb}:")
        for u in cmp.updates:
            mark = "  (corrected by hand in the project)" if u.corrected else ""
            old = u.old_raw if u.old_raw is not None else u.old_value
            new = u.new_raw if u.new_raw is not None else u.new_value
            where = f"{u.table}[{u.key}]" if u.key else u.table
            print(f"  {u.number:>3}. {u.case_label} {where}.{u.field}: {old} -> {new}{mark}")
    for c in cmp.clashes:
        print(f"  identifier {c.batch_id!r} differs from {c.project_id!r} only in case or "
              f"spacing: not added. The same case? add again with --same-case "
              f"\"{c.batch_id}={c.project_id}\"; otherwise correct the sheet")
    return 0


def _edit(args: argparse.Namespace) -> int:
    from imft_desktop.io.project import Project

    with Project.open(args.project) as project:
        c = project.correct(args.sample, args.field, args.value, args.reason)
        position = project.repo.audit_position()
    if args.json:
        print(json.dumps({**c.to_dict(), "audit_position": position}, ensure_ascii=False,
                         indent=1, default=str))
    else:
        old = c.old_raw if c.old_raw is not None else c.old_value
        print(f"{c.sample_id} {c.table}.{c.field}: {old} -> {c.new_raw} "
              f"(read as {c.new_value!r}); audit entry {c.audit_id}")
    return 0


def _log(args: argparse.Namespace) -> int:
    from imft_desktop.io.project import Project

    with Project.open(args.project, read_only=True) as project:
        entries = project.audit()
    if args.json:
        print(json.dumps({"project": Path(args.project).name,
                          "audit_position": entries[-1].id if entries else 0,
                          "entries": [e.to_dict() for e in entries]},
                         ensure_ascii=False, indent=1))
        return 0
    for e in entries:
        change = ""
        if e.old is not None:
            change = f": {e.old} -> {e.new}"
        elif e.new is not None:
            change = f": {e.new}"
        why = f"  because: {e.why}" if e.why else ""
        print(f"{e.id:>5}  {e.at}  {e.user}  {e.action} {e.target}{change}{why}")
    return 0


def _info(args: argparse.Namespace) -> int:
    from imft_desktop.io.project import Project

    with Project.open(args.project, read_only=True) as project:
        cohort = project.cohort
        report: dict[str, Any] = {
            "project": Path(args.project).name,
            "schema_version": project.repo.schema_version,
            "audit_position": project.repo.audit_position(),
            "samples": cohort.n_samples,
            "patients": cohort.n_patients,
            "imports": [r.to_dict() for r in project.imports()],
            "sources": [s.to_dict() for s in project.source_status()],
            "corrections": [c.to_dict() for c in project.corrections()],
            "settings": sorted(project.repo.settings()),
            "summary": cohort.summary_line(),
        }
    if args.json:
        print(json.dumps(report, ensure_ascii=False, indent=1, default=str))
        return 0
    lines = [f"{report['project']}  (project format {report['schema_version']}, audit "
             f"position {report['audit_position']})", f"  {report['summary']}", "", "Imports"]
    status = {s["import"]: s["status"] for s in report["sources"]}
    for r in report["imports"]:
        state = status.get(r["id"], "")
        hint = "  -> changed since import: imft project add to take the changes" \
            if state == "changed" else ""
        lines.append(f"  {r['id']:>3}. {r['imported_at']}  {r['action']:<6} {r['file']}  "
                     f"sha256 {r['sha256'][:12]}  [{state}]{hint}")
    lines += ["", f"Corrections ({len(report['corrections'])})"]
    for c in report["corrections"]:
        old = c["old_raw"] if c["old_raw"] is not None else c["old_value"]
        lines.append(f"  {c['sample_id']} {c['table']}.{c['field']}: {old} -> {c['new_raw']}"
                     f"  ({c['user']}, {c['at']}: {c['reason']})")
    print("\n".join(lines))
    return 0


_ACTIONS = {"create": _create, "add": _add, "edit": _edit, "log": _log, "info": _info}
