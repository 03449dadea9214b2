"""Lighthouse on one page of every type, as readers get the portal (`make lighthouse`).

Starts the portal under gunicorn on a free loopback port with the environment it is given
(the Makefile's `run` environment: DEBUG off, hashed static files), runs the Lighthouse npm
package (installed into tools/node_modules when missing) against Debian's Chromium with the
mobile settings at 360 px and the desktop settings at 1280 px, and writes the four category
scores per page and every failing audit to a Markdown file.

Not part of `make test`: a performance score depends on how busy the machine is.
"""

import argparse
import datetime
import json
import os
import re
import shlex
import socket
import subprocess
import sys
import urllib.request
from pathlib import Path

from tools.loadtest import machine_description, wait_for_server

TOOLS = Path(__file__).resolve().parent
LIGHTHOUSE_VERSION = "12.2.3"
LIGHTHOUSE = TOOLS / "node_modules" / ".bin" / "lighthouse"
CATEGORIES = ["performance", "accessibility", "best-practices", "seo"]
CATEGORY_NAMES = {
    "performance": "Performance",
    "accessibility": "Accessibility",
    "best-practices": "Best practices",
    "seo": "SEO",
}
ATTEMPTS = 3
# A path no page has. Lighthouse stops at a page that answers 404 unless told to go on; SEO's
# "successful HTTP status code" then fails, as it should.
NOT_FOUND = "/finns-inte/"
CHROME_FLAGS = "--headless=new --no-sandbox --disable-gpu --disable-dev-shm-usage"

# Lighthouse's own mobile settings (simulated slow 4G and a 4x slower CPU) on a 360-px-wide
# phone, and its desktop preset on a 1280-px-wide window.
PRESETS = {
    "mobile 360 px": [
        "--form-factor=mobile",
        "--screenEmulation.mobile",
        "--screenEmulation.width=360",
        "--screenEmulation.height=740",
        "--screenEmulation.deviceScaleFactor=2",
    ],
    "desktop 1280 px": [
        "--preset=desktop",
        "--screenEmulation.width=1280",
        "--screenEmulation.height=800",
    ],
}


def install_lighthouse():
    if LIGHTHOUSE.exists():
        return
    print(f"Installing lighthouse {LIGHTHOUSE_VERSION} into {TOOLS / 'node_modules'}", flush=True)
    # Lighthouse drives a Chromium it is given (CHROME_PATH); its puppeteer-core downloads none.
    lockfile = TOOLS / "package-lock.json"
    command = (
        ["npm", "ci"]
        if lockfile.exists()
        else ["npm", "i", "-E", f"lighthouse@{LIGHTHOUSE_VERSION}"]
    )
    subprocess.run([*command, "--no-audit", "--no-fund"], cwd=TOOLS, check=True)


def slugify(text):
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def fetch(url):
    with urllib.request.urlopen(url, timeout=30) as response:
        return response.read().decode()


def first_match(pattern, html, what):
    match = re.search(pattern, html)
    if not match:
        sys.exit(f"No {what} found: does the database hold the portal's data (make data)?")
    return match.group(1)


def page_types(base_url):
    """One path of every page type, the region and project taken from the portal's own lists."""
    region_list = fetch(base_url + "/regioner/")
    region = first_match(r'href="(/regioner/[^/"]+/)"', region_list, "region")
    # Every funded region side by side: the comparison at its longest, with its charts.
    slugs = dict.fromkeys(re.findall(r'href="/regioner/([^/"]+)/"', region_list))
    compared = "/jamfor/?" + "&".join(f"region={slug}" for slug in slugs)
    projects = fetch(base_url + "/projekt/")
    project = first_match(r'href="(/projekt/(?!export|flode)[^/"?]+/)"', projects, "project")
    year = first_match(r'name="year" value="(\d+)"', projects, "year filter")
    return [
        ("Home", "/"),
        ("Region list", "/regioner/"),
        ("Region page", region),
        ("Project list", "/projekt/"),
        ("Project list, filtered and searched", f"/projekt/?q=arbete&year={year}"),
        ("Project page", project),
        ("Project versions", project + "versioner/"),
        ("Statistics", "/statistik/"),
        ("Compare regions, none chosen", "/jamfor/"),
        ("Compare regions, all chosen", compared),
        ("Open data", "/data/"),
        ("About", "/om/"),
        ("Accessibility statement", "/tillganglighet/"),
        ("Privacy", "/personuppgifter/"),
        ("API documentation", "/api/dokumentation/"),
        ("Not found (404)", NOT_FOUND),
    ]


def run_lighthouse(url, preset_flags, output):
    command = [
        str(LIGHTHOUSE),
        url,
        "--quiet",
        "--output=json",
        f"--output-path={output}",
        f"--only-categories={','.join(CATEGORIES)}",
        f"--chrome-flags={CHROME_FLAGS}",
        *preset_flags,
    ]
    if url.endswith(NOT_FOUND):
        command.append("--ignore-status-code")
    env = {**os.environ, "CHROME_PATH": os.environ.get("CHROME_PATH", "/usr/bin/chromium")}
    # On a busy machine Chromium now and then loses the trace (NO_NAVSTART, NO_FCP), which
    # Lighthouse itself says to answer by running again.
    for attempt in range(1, ATTEMPTS + 1):
        finished = subprocess.run(command, env=env, stdout=subprocess.DEVNULL)
        if finished.returncode == 0:
            return json.loads(Path(output).read_text())
        print(f"  Lighthouse failed (attempt {attempt} of {ATTEMPTS})", flush=True)
    sys.exit(f"Lighthouse failed {ATTEMPTS} times on {url}.")


def failing_audits(report):
    """Every audit that scored below 1, as a dict; `scored` is False for an audit that does
    not count towards its category's score (weight 0)."""
    failing = []
    for category in CATEGORIES:
        for ref in report["categories"][category]["auditRefs"]:
            audit = report["audits"][ref["id"]]
            if audit["score"] is None or audit["score"] >= 1:
                continue
            if audit["scoreDisplayMode"] not in ("binary", "numeric", "metricSavings"):
                continue
            items = audit.get("details", {}).get("items", [])
            failing.append(
                {
                    "category": category,
                    "id": audit["id"],
                    "title": audit["title"],
                    "shown": audit.get("displayValue", ""),
                    "scored": bool(ref["weight"]),
                    "elements": [
                        item["node"].get("snippet", "")
                        for item in items
                        if isinstance(item, dict) and isinstance(item.get("node"), dict)
                    ],
                }
            )
    return failing


def median_run(runs):
    """The run with the median performance score, as Lighthouse's own documentation advises
    for a score that varies from run to run; the other categories do not vary."""
    ordered = sorted(runs, key=lambda report: report["categories"]["performance"]["score"] or 0)
    return ordered[len(ordered) // 2]


def score(report, category):
    value = report["categories"][category]["score"]
    return "–" if value is None else str(round(value * 100))


# Why an audit fails on purpose, or can not be made to pass from the portal's own files; shown
# under the audit when it fails. Any other failing audit is a fault to fix.
WHY = {
    "http-status-code": "On the 404 page only: a page that does not exist answers 404, as it must.",
    "is-crawlable": "On the 404 page only: it asks search engines not to index it "
    '(`<meta name="robots" content="noindex">`), as a page that does not exist should.',
    "errors-in-console": "On the 404 page only: Chromium itself logs the 404 answer to the page's "
    'own address as an error ("Failed to load resource"); the page logs nothing.',
    "bf-cache": "On the 404 page only: Chromium keeps only pages that answered 2xx.",
    "uses-text-compression": "The pages' HTML goes out uncompressed; the static files are "
    "compressed (whitenoise). Compressing the HTML is the server's job: Django's GZipMiddleware "
    "in the settings, or the load balancer in front.",
    "label-content-name-mismatch": "axe-core's experimental rule, which Lighthouse does not "
    "score: the county map's tiles show the name hyphenated over two or three lines "
    '("Väster-" "botten") while the accessible name writes it whole ("Västerbottens län: ...").',
    "total-blocking-time": "Timing: the portal sends no JavaScript, so the blocking tasks are the "
    "browser's own parsing, style and layout, multiplied by the 4x CPU slowdown; on a busy "
    "machine they grow.",
    "max-potential-fid": "Timing, as total blocking time: the longest of the browser's own tasks.",
    "first-contentful-paint": "Timing: depends on the machine's load.",
    "largest-contentful-paint": "Timing: depends on the machine's load.",
    "speed-index": "Timing: depends on the machine's load.",
}


def markdown(results, chromium, started, runs):
    lines = [
        "# Lighthouse",
        "",
        f"Measured {started:%Y-%m-%d %H:%M} UTC with `make lighthouse` (tools/lighthouse.py):",
        f"Lighthouse {LIGHTHOUSE_VERSION} (the npm package) against {chromium}, headless,",
        "on the portal as readers get it (gunicorn, DEBUG off, hashed static files).",
        "Mobile is Lighthouse's mobile setting (simulated slow 4G, 4x CPU slowdown) on a",
        "360-px-wide screen; desktop is its desktop preset on a 1280-px-wide window.",
        f"Machine: {machine_description()}.",
        "",
        f"Each row is the run with the median performance score of {runs} runs.",
        "Scores vary with the machine's load, performance in particular: the blocking time",
        "of a busy machine can cost a page several points that a quiet one does not.",
        "",
        "| Page | Path | Preset | " + " | ".join(CATEGORY_NAMES[c] for c in CATEGORIES) + " |",
        "| --- | --- | --- | " + " | ".join("---:" for _ in CATEGORIES) + " |",
    ]
    for name, path, preset, report in results:
        scores = " | ".join(score(report, c) for c in CATEGORIES)
        lines.append(f"| {name} | `{path}` | {preset} | {scores} |")
    lines += ["", "## Failing audits"]
    by_audit = {}
    for name, _path, preset, report in results:
        for audit in failing_audits(report):
            key = (audit["category"], audit["id"])
            by_audit.setdefault(key, (audit, []))[1].append((name, preset, audit))
    if not by_audit:
        lines.append("None.")
    for (category, audit_id), (audit, pages) in sorted(
        by_audit.items(), key=lambda entry: (not entry[1][0]["scored"], entry[0])
    ):
        counts = "counts towards the score" if audit["scored"] else "not scored (weight 0)"
        lines += ["", f"### {audit['title']}", ""]
        lines.append(f"{CATEGORY_NAMES[category]}, `{audit_id}`, {counts}. Fails on:")
        lines.append("")
        for name, preset, failed in pages:
            shown = f": {failed['shown']}" if failed["shown"] else ""
            lines.append(f"- {name}, {preset}{shown}")
        if audit_id in WHY:
            lines += ["", f"Why: {WHY[audit_id]}"]
        elements = sorted({e for _, _, failed in pages for e in failed["elements"]})
        if elements:
            lines += ["", "Elements:", ""]
            lines += [f"- `{element}`" for element in elements[:5]]
            if len(elements) > 5:
                lines.append(f"- and {len(elements) - 5} more")
    return "\n".join(lines) + "\n"


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--gunicorn", required=True, help="the command that starts gunicorn")
    parser.add_argument("--markdown", type=Path, required=True, help="where the table goes")
    parser.add_argument("--log", type=Path, default=Path("test-artifacts/lighthouse.log"))
    parser.add_argument(
        "--reports",
        type=Path,
        default=Path("test-artifacts/lighthouse"),
        help="where Lighthouse's own JSON reports go, one per page and preset",
    )
    parser.add_argument(
        "--runs",
        type=int,
        default=3,
        help="Lighthouse runs per page and preset; the table shows the median run",
    )
    parser.add_argument("--only", help="run only the page types whose name contains this")
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    install_lighthouse()
    started = datetime.datetime.now(datetime.UTC)
    chromium_path = os.environ.get("CHROME_PATH", "/usr/bin/chromium")
    chromium = subprocess.run(
        [chromium_path, "--version"], capture_output=True, text=True, check=True
    ).stdout.strip()
    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    args.log.parent.mkdir(parents=True, exist_ok=True)
    with args.log.open("w") as log:
        server = subprocess.Popen(
            [*shlex.split(args.gunicorn), "asf_portal.wsgi"],
            env={**os.environ, "BIND": f"127.0.0.1:{port}"},
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        if not wait_for_server(base_url, 60):
            sys.exit(f"The portal did not start on {base_url}; see {args.log}.")
        results = []
        args.reports.mkdir(parents=True, exist_ok=True)
        for name, path in page_types(base_url):
            if args.only and args.only.lower() not in name.lower():
                continue
            for preset, flags in PRESETS.items():
                print(f"{name} ({path}), {preset}", flush=True)
                runs = []
                for run in range(1, args.runs + 1):
                    output = args.reports / f"{slugify(name)}-{slugify(preset)}-{run}.json"
                    runs.append(run_lighthouse(base_url + path, flags, output))
                    print(
                        f"  run {run}: "
                        + ", ".join(f"{c} {score(runs[-1], c)}" for c in CATEGORIES)
                    )
                report = median_run(runs)
                results.append((name, path, preset, report))
                for audit in failing_audits(report):
                    print(f"  fails: {audit['category']}: {audit['id']} {audit['shown']}")
    finally:
        server.terminate()
        server.wait()
    args.markdown.write_text(markdown(results, chromium, started, args.runs))
    print(f"Written to {args.markdown}")


if __name__ == "__main__":
    main()
