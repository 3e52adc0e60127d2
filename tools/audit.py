"""Audit of the installed dependencies by pip-audit, saying what it could not check.

pip-audit asks PyPI's vulnerability data for each dependency. Where that service cannot be
reached, it lists the dependency as "could not be audited" and still reports "No known
vulnerabilities found": read alone, that line would claim an audit that did not happen.

This script fails on any known vulnerability. It names the dependencies left unchecked and,
with --strict (`make audit`), fails on them too; without it (`make lint`), it warns.
"""
import argparse
import json
import subprocess
import sys
from pathlib import Path

#: how pip-audit names a package it leaves out on purpose (--skip-editable): the project
#: itself, installed from this tree, which is not on PyPI
EDITABLE = "distribution marked as editable"


def verdict(report: dict, strict: bool) -> tuple[list[str], int]:
    """The lines to print and the exit status of pip-audit's JSON report."""
    dependencies = [d for d in report["dependencies"]
                    if not d.get("skip_reason", "").startswith(EDITABLE)]
    vulnerable = [d for d in dependencies if d.get("vulns")]
    unchecked = [d for d in dependencies if "skip_reason" in d]
    lines = []
    for dependency in vulnerable:
        ids = ", ".join(v["id"] for v in dependency["vulns"])
        lines.append(f"VULNÉRABLE : {dependency['name']} {dependency['version']} ({ids})")
    lines.append(f"pip-audit : {len(dependencies) - len(unchecked)} sur {len(dependencies)} "
                 f"dépendances vérifiées, {len(vulnerable)} vulnérable(s).")
    if unchecked:
        names = ", ".join(d["name"] for d in unchecked[:5])
        more = f" et {len(unchecked) - 5} autres" if len(unchecked) > 5 else ""
        lines.append(f"{'ÉCHEC' if strict else 'ATTENTION'} : dépendances non vérifiées : "
                     f"{len(unchecked)} ({names}{more}) ; motif de la première : "
                     f"« {unchecked[0]['skip_reason']} ». Pour elles, l'audit ne prouve rien.")
    return lines, 1 if vulnerable or (strict and unchecked) else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--strict", action="store_true",
                        help="échoue aussi quand une dépendance n'a pas pu être vérifiée")
    args = parser.parse_args(argv)
    pip_audit = Path(sys.executable).with_name("pip-audit")
    run = subprocess.run(
        [str(pip_audit), "--skip-editable", "--progress-spinner", "off", "--format", "json"],
        capture_output=True, text=True, check=False)
    try:
        report = json.loads(run.stdout)
    except json.JSONDecodeError:
        sys.stderr.write(run.stderr)
        print("pip-audit n'a pas rendu de rapport : audit non fait.", file=sys.stderr)
        return 2
    lines, status = verdict(report, args.strict)
    print("\n".join(lines))
    return status


if __name__ == "__main__":
    sys.exit(main())
