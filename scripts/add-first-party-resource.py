#!/usr/bin/env python3
"""Add (or replace) one resource API in catalog/permissions.json from a service-principal dump.

Usage: scripts/add-first-party-resource.py DUMP.md KEY "ALIAS,ALIAS" COMMIT < catalog/permissions.json > new.json

DUMP.md is one `apps/NAME.md` file of maciejporebski/azure-ad-first-party-apps-permissions (a
`Get-MgServicePrincipal` dump: service principal names, then an "Application Permissions" and a
"Delegated Permissions" table of value, id, display name and description). The resource's app id
is the service principal name that is a GUID. Permissions are sorted by name in code-point order,
as in the rest of the catalog; admin_consent_required of scopes is null (the dump does not say).
"""
import json
import re
import sys

GUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")


def parse(text):
    name = text.splitlines()[0].lstrip("# ").strip()
    spns, section, roles, scopes = [], None, [], []
    for line in text.splitlines():
        s = line.strip()
        if s.startswith("## "):
            section = s[3:].strip()
            continue
        if section == "Service Principal Names" and s.startswith("- "):
            spns.append(s[2:].strip())
        elif section in ("Application Permissions", "Delegated Permissions") and s.startswith("|"):
            cells = [c.strip() for c in s.strip("|").split("|")]
            if len(cells) < 4 or not GUID.match(cells[1]):
                continue
            entry = {"name": cells[0], "id": cells[1], "display": cells[2], "description": cells[3]}
            (roles if section.startswith("Application") else scopes).append(entry)
    app_ids = [s for s in spns if GUID.match(s)]
    if len(app_ids) != 1:
        sys.exit(f"{name}: expected one GUID among the service principal names, found {app_ids}")
    return name, app_ids[0], spns, roles, scopes


def main(dump, key, aliases, commit):
    catalog = json.load(sys.stdin)
    with open(dump, encoding="utf-8") as f:
        name, app_id, spns, roles, scopes = parse(f.read())
    for s in scopes:
        s["admin_consent_required"] = None
    resource = {
        "key": key,
        "display_name": name,
        "service_principal_display_name": name,
        "app_id": app_id,
        "aliases": [a for a in aliases.split(",") if a] + [s for s in spns if s.startswith("https://")],
        "status": "active",
        "app_roles": sorted(roles, key=lambda p: p["name"]),
        "scopes": sorted(scopes, key=lambda p: p["name"]),
    }
    catalog["resources"] = [r for r in catalog["resources"] if r["app_id"] != app_id] + [resource]
    catalog["sources"] = [s for s in catalog["sources"] if s.get("path") != f"apps/{name}.md"] + [{
        "repo": "maciejporebski/azure-ad-first-party-apps-permissions",
        "path": f"apps/{name}.md",
        "commit": commit,
        "what": f"PRIMARY for {name}: Get-MgServicePrincipal dump of appRoles and oauth2PermissionScopes.",
    }]
    json.dump(catalog, sys.stdout, indent=1, ensure_ascii=False)
    sys.stdout.write("\n")


if __name__ == "__main__":
    if len(sys.argv) != 5:
        sys.exit(__doc__)
    main(*sys.argv[1:])
