#!/usr/bin/env python3
"""Checks what honkit built (check-docs BOOKS): `honkit build` succeeding shows the pages parse,
this shows they mean what they should. For every page: each {% hint %} block became a hint box;
the numbered appinv.aspx steps are one list (a code block inside a step did not end it); and on
the pages made from tests/fixtures/docs/hostile-text.yaml, markup-like text shows as text."""
import html
import re
import sys
from pathlib import Path

# Text from the hostile fixture that must reach the reader as written.
LITERAL = [
    "{% hint style='danger' %}",
    "{{ double }}",
    "{% endhint %}",
    "{% endraw %}",
    "<img src=x onerror=alert(1)>",
    "{props.value}",
    "import Evil from 'evil'",
    '{% hint style="danger" %}not a hint{% endhint %}',
    ":abbr[x]{y}",
]


def text_of(page_html: str) -> str:
    body = re.sub(r"<script.*?</script>", " ", page_html, flags=re.S)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", body)).split())


def main() -> int:
    problems = []
    pages = 0
    for src in sorted(Path(sys.argv[1]).glob("*/src/*.md")):
        if src.name == "SUMMARY.md":
            continue
        built = src.parent.parent / "html" / ("index.html" if src.name == "README.md" else src.stem + ".html")
        if not built.is_file():
            problems.append(f"{src}: no page built ({built.name})")
            continue
        pages += 1
        source = src.read_text(encoding="utf-8")
        out = built.read_text(encoding="utf-8")
        hints = len(re.findall(r"^\{% hint ", source, flags=re.M))
        boxes = out.count("hints-alert")
        if hints != boxes:
            problems.append(f"{src}: {hints} hint blocks in the page, {boxes} hint boxes in the HTML")
        start = out.find("Grant the SharePoint add-in permission")
        if start >= 0:
            end = out.find("Trust It", start)
            if end < 0 or out[start:end].count("<ol") != 1:
                problems.append(f"{src}: the appinv.aspx steps are not one numbered list")
        if "hostile" in str(src):
            text = " ".join(html.unescape(source).split())
            shown = text_of(out)
            for needle in LITERAL:
                if needle in text.replace("\\", "") and needle not in shown:
                    problems.append(f"{src}: {needle!r} is not shown as text")
            if "<img src=x" in out:
                problems.append(f"{src}: a raw <img> tag reached the HTML")
    for p in problems:
        print(p, file=sys.stderr)
    print(f"check-gitbook-html: {pages} pages, {len(problems)} problems")
    return 1 if problems or pages == 0 else 0


if __name__ == "__main__":
    sys.exit(main())
