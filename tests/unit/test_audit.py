"""tools/audit.py: what the dependency audit says it checked, and when it fails."""
import importlib.util
from pathlib import Path

_spec = importlib.util.spec_from_file_location(
    "audit", Path(__file__).resolve().parents[2] / "tools" / "audit.py")
audit = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(audit)

CLEAN = {"name": "waitress", "version": "3.0.2", "vulns": []}
UNCHECKED = {"name": "webob", "skip_reason":
             "Dependency not found on PyPI and could not be audited: webob (1.8.11)"}
VULNERABLE = {"name": "jinja2", "version": "2.10", "vulns": [
    {"id": "PYSEC-2019-217", "fix_versions": ["2.10.1"], "description": "..."}]}


def test_a_known_vulnerability_fails_and_is_named():
    lines, status = audit.verdict({"dependencies": [CLEAN, VULNERABLE]}, strict=False)
    assert status == 1
    assert "VULNÉRABLE : jinja2 2.10 (PYSEC-2019-217)" in lines
    assert "pip-audit : 2 sur 2 dépendances vérifiées, 1 vulnérable(s)." in lines


def test_an_unchecked_dependency_is_never_reported_as_audited():
    lines, status = audit.verdict({"dependencies": [CLEAN, UNCHECKED]}, strict=False)
    assert status == 0
    assert lines[0] == "pip-audit : 1 sur 2 dépendances vérifiées, 0 vulnérable(s)."
    assert lines[1].startswith("ATTENTION : dépendances non vérifiées : 1 (webob)")


def test_strict_fails_on_an_unchecked_dependency():
    lines, status = audit.verdict({"dependencies": [CLEAN, UNCHECKED]}, strict=True)
    assert status == 1
    assert lines[1].startswith("ÉCHEC : dépendances non vérifiées : 1 (webob)")


def test_the_project_itself_installed_editable_is_not_a_dependency_to_audit():
    project = {"name": "recueil", "skip_reason": "distribution marked as editable"}
    lines, status = audit.verdict({"dependencies": [CLEAN, project]}, strict=True)
    assert (lines, status) == (["pip-audit : 1 sur 1 dépendances vérifiées, 0 vulnérable(s)."], 0)


def test_all_checked_and_clean_passes_in_strict():
    lines, status = audit.verdict({"dependencies": [CLEAN]}, strict=True)
    assert (lines, status) == (["pip-audit : 1 sur 1 dépendances vérifiées, 0 vulnérable(s)."], 0)
