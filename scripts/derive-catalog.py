#!/usr/bin/env python3
"""Derive catalog/permissions.json from the researched permission snapshot.

Usage: scripts/derive-catalog.py SOURCE.json > catalog/permissions.json

The source is the cross-checked snapshot described in catalog/SOURCES.md. This keeps the facts
the tool uses (names, GUIDs, types, texts, admin-consent flags, hidden flags, duplicate ids,
retirement milestones with their sources) and records where they came from. Output is
deterministic: resources in source order, permissions sorted by name in code-point order.
"""
import json
import sys

PERMISSION_FIELDS = ("name", "id", "display", "description", "admin_consent_required",
                     "hidden", "duplicate_ids", "notes", "source")
RESOURCE_FIELDS = ("key", "display_name", "service_principal_display_name", "app_id",
                   "aliases", "status", "retirement", "notes")


def permission(entry, scope):
    out = {k: entry[k] for k in PERMISSION_FIELDS if k in entry}
    if not scope:
        out.pop("admin_consent_required", None)
    return out


def main(path):
    with open(path, encoding="utf-8") as f:
        src = json.load(f)
    resources = []
    for r in src["resources"]:
        res = {k: r[k] for k in RESOURCE_FIELDS if k in r}
        res["app_roles"] = sorted((permission(p, False) for p in r["app_roles"]), key=lambda p: p["name"])
        res["scopes"] = sorted((permission(p, True) for p in r["scopes"]), key=lambda p: p["name"])
        resources.append(res)
    out = {
        "schema_version": 1,
        "snapshot_date": src["snapshot"]["primary_source_date"],
        "snapshot_note": src["snapshot"]["note"],
        "sources": [{k: g[k] for k in ("repo", "path", "commit", "what") if k in g}
                    for g in src["generated_from"]],
        "resources": resources,
    }
    json.dump(out, sys.stdout, indent=1, ensure_ascii=False, sort_keys=False)
    sys.stdout.write("\n")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    main(sys.argv[1])
