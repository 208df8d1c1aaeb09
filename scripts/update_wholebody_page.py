#!/usr/bin/env python3
"""Refreshes the validation table of models/cell_kinetics_wholebody.md from `build/engraft validate`.
ENGRAFT (default build/engraft) names another binary; ENGRAFT_MODELS_DIR, if set, is passed on (validate reads the
cases beside that models folder)."""
import os, re, subprocess
env = {"NO_COLOR": "1", "PATH": "/usr/bin:/bin"}
if "ENGRAFT_MODELS_DIR" in os.environ:
    env["ENGRAFT_MODELS_DIR"] = os.environ["ENGRAFT_MODELS_DIR"]
out = subprocess.run([os.environ.get("ENGRAFT", "build/engraft"), "validate"], capture_output=True, text=True, env=env).stdout
rows = []
for l in out.splitlines():
    if re.match(r"^C(1[0-9]|2[0-9])\s", l):
        p = re.split(r"\s{2,}", l.strip())
        rows.append("| " + " | ".join(p[:4]) + " |")
page = open("models/cell_kinetics_wholebody.md").read()
head = "| Case | Check | Band | Model |\n|---|---|---|---|\n"
i = page.index(head) + len(head)
j = page.index("\n\n", i)
page = page[:i] + "\n".join(rows) + page[j:]
open("models/cell_kinetics_wholebody.md", "w").write(page)

# parameter table from the model file
import tomllib
m = tomllib.load(open("models/cell_kinetics_wholebody.toml", "rb"))
lines = ["| Name | Value | Unit | Description | Source | Uncertainty |", "|---|---|---|---|---|---|"]
for n, p in m["parameters"].items():
    lines.append(f"| {n} | {p['value']:g} | {p['unit']} | {p['description']} | {p['source']} | {p['uncertainty']} |")
page = open("models/cell_kinetics_wholebody.md").read()
head = "## Parameters (defaults: MSC, 70 kg human, ¹¹¹In)\n"
i = page.index(head) + len(head)
j = page.index("\n\nPhysiology values", i)
page = page[:i] + "\n".join(lines) + page[j:]
open("models/cell_kinetics_wholebody.md", "w").write(page)
