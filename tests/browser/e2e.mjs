// End-to-end tests in headless Chromium (Debian's /usr/bin/chromium, driven by playwright-core):
//   1. reports: a transplant run, a cell-fate run, a 3-arm trial and a sensitivity run are written
//      by `engraft ... --report`, opened in the browser, and checked for their plot elements and
//      for errors;
//   2. the web app (`engraft serve`): set a CD34+ dose, run, and check that the neutrophil and
//      platelet engraftment days shown equal `engraft run`'s on the same scenario; run a trial and
//      watch its progress to the end. Screenshots are saved as test artefacts.
// Usage: node e2e.mjs ENGRAFT_BINARY SOURCE_DIR ARTIFACT_DIR
import { execFileSync, spawn } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

const { chromium } = await import("playwright-core").catch(() => {
  console.error("e2e.mjs: playwright-core is missing: scripts/install-deps.sh installs it (npm ci in tests/browser)");
  process.exit(1);
});
if (process.argv.length !== 5) {
  console.error("usage: node e2e.mjs ENGRAFT_BINARY SOURCE_DIR ARTIFACT_DIR");
  process.exit(2);
}
const [engraft, source, artifacts] = process.argv.slice(2).map((p) => path.resolve(p));
mkdirSync(artifacts, { recursive: true });
const work = mkdtempSync(path.join(tmpdir(), "engraft-e2e-"));
const failures = [];
function check(condition, message) {
  if (!condition) failures.push(message);
  console.log(`${condition ? "ok  " : "FAIL"} ${message}`);
}
const run = (...args) => execFileSync(engraft, args, { encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] });

// The flags keep Chromium off the network (closed here: its background connections only fail).
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync"],
});

async function openWatched(url) {
  const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  const errors = [];
  page.on("pageerror", (error) => errors.push(`page error: ${error.message}`));
  page.on("console", (message) => { if (message.type() === "error") errors.push(`console: ${message.text()}`); });
  page.on("requestfailed", (request) => errors.push(`request failed: ${request.url()}`));
  await page.goto(url);
  return { page, errors };
}

try {
  // 1. Reports.
  const reports = {
    run: { args: ["run", "--report"], marks: ["threshold", "marker", "series", "legend"], title: "transplant run" },
    cells: { args: ["run", `${source}/scenarios/cell_fate/msc_human_iv.toml`, "--report"], marks: ["series", "legend"], title: "cell-fate run" },
    trial: { args: ["trial", `${source}/trials/cd34_dose.toml`, "--out", `${work}/trial`, "--report"], marks: ["median", "outer", "inner", "bar", "interval"], title: "3-arm trial" },
    sensitivity: { args: ["sensitivity", `${source}/tests/data/sensitivity/small.toml`, "--out", `${work}/sens`, "--report"], marks: ["bar", "interval"], title: "sensitivity run" },
  };
  for (const [name, report] of Object.entries(reports)) {
    const file = path.join(artifacts, `report-${name}.html`);
    run(...report.args, file, "--quiet");
    const html = readFileSync(file, "utf8");
    const svgsInFile = (html.match(/<svg[\s>]/g) ?? []).length;
    const { page, errors } = await openWatched(`file://${file}`);
    const svgs = await page.locator("svg").count();
    check(svgs > 0 && svgs === svgsInFile, `${report.title} report: the browser parses all ${svgsInFile} plots (sees ${svgs})`);
    for (const mark of report.marks)
      check(await page.locator(`svg .${mark}`).count() > 0, `${report.title} report: has plot elements of class "${mark}"`);
    const axisLabels = await page.locator("svg text.label").allTextContents();
    check(axisLabels.some((label) => /\(.+\)/.test(label)), `${report.title} report: an axis label carries its unit (${axisLabels[0] ?? "none"})`);
    check(await page.locator("footer").count() === 1, `${report.title} report: has a footer with versions and sources`);
    check(await page.locator("script").count() === 0 && !/<(img|link|script|iframe)[^>]*(src|href)="https?:/.test(html),
          `${report.title} report: self-contained (no scripts, nothing to load)`);
    check(errors.length === 0, `${report.title} report: no browser errors ${errors.join("; ")}`);
    await page.close();
  }

  // 2. The web app.
  const server = spawn(engraft, ["serve", "--port", "0"], { stdio: ["ignore", "pipe", "inherit"] });
  const exited = new Promise((resolve) => server.on("exit", (code) => resolve(code)));
  const base = await new Promise((resolve, reject) => {
    let out = "";
    server.stdout.on("data", (chunk) => {
      out += chunk;
      const match = out.match(/listening on (http:\/\/127\.0\.0\.1:\d+\/)/);
      if (match) resolve(match[1]);
    });
    server.on("exit", (code) => reject(new Error(`engraft serve exited with ${code} before listening`)));
    setTimeout(() => reject(new Error("engraft serve did not start within 60 s")), 60000);
  });
  try {
    const { page, errors } = await openWatched(base);
    await page.waitForSelector("body[data-ready=true]", { timeout: 60000 });
    await page.fill("#cd34", "2");
    await page.click("#run");
    const neutrophilCell = page.locator('td[data-endpoint="neutrophil_engraftment_day"]');
    await neutrophilCell.waitFor({ timeout: 120000 });
    const shown = {
      neutrophil: Number(await neutrophilCell.textContent()),
      platelet: Number(await page.locator('td[data-endpoint="platelet_engraftment_day"]').textContent()),
    };
    // The same patient through the command line: the built-in default with 2e6 CD34+/kg.
    const scenario = readFileSync(`${source}/scenarios/default.toml`, "utf8").replace(/cd34 = "[^"]*"/, 'cd34 = "2e6 cells/kg"');
    check(scenario.includes('cd34 = "2e6 cells/kg"'), "the command-line scenario sets 2e6 CD34+/kg");
    writeFileSync(`${work}/cd34_2e6.toml`, scenario);
    run("run", `${work}/cd34_2e6.toml`, "--out", `${work}/cli`, "--quiet");
    const cli = JSON.parse(readFileSync(`${work}/cli/summary.json`, "utf8")).endpoints;
    check(shown.neutrophil === cli.neutrophil_engraftment_day,
          `web app neutrophil engraftment day ${shown.neutrophil} = engraft run's ${cli.neutrophil_engraftment_day}`);
    check(shown.platelet === cli.platelet_engraftment_day,
          `web app platelet engraftment day ${shown.platelet} = engraft run's ${cli.platelet_engraftment_day}`);
    const report = page.frameLocator("#report");
    check(await report.locator("svg .threshold").count() > 0, "web app shows the run's plots with thresholds");

    // Validation: an impossible dose is refused on the page, before anything is sent.
    await page.fill("#cd34", "-1");
    await page.click("#run");
    check(await page.locator("#run-error").isVisible() && (await page.locator("#run-error").textContent()).includes("cd34"),
          "web app refuses a negative CD34+ dose and names the field");
    await page.fill("#cd34", "2");
    check(!(await page.locator("#run-error").isVisible()), "web app clears the message once the dose is valid again");
    await page.screenshot({ path: path.join(artifacts, "web-app-run.png") });

    // A trial, with its progress bar, to the end.
    await page.selectOption("#trial-choice", "cd34_dose");
    await page.fill("#trial-patients", "30");
    await page.click("#run-trial");
    await page.locator("#trial-summary-box").waitFor({ state: "visible", timeout: 300000 });
    const [value, max] = await page.locator("#trial-progress").evaluate((bar) => [bar.value, bar.max]);
    check(value === max && max === 90, `trial progress reached ${value} of ${max} subjects (3 arms x 30)`);
    check((await page.locator("#trial-summary").textContent()).includes("neutrophil engraftment"), "trial summary table is shown");
    check(await report.locator("svg .median").count() > 0, "web app shows the trial's plots");
    await page.screenshot({ path: path.join(artifacts, "web-app-trial.png") });
    check(errors.length === 0, `web app: no browser errors ${errors.join("; ")}`);
  } finally {
    server.kill("SIGTERM");
  }
  const code = await exited;
  check(code === 0, `engraft serve stops cleanly on SIGTERM (exit ${code})`);
} finally {
  await browser.close();
}

console.log(`artefacts (reports, screenshots): ${artifacts}`);
if (failures.length) {
  console.error(`${failures.length} check(s) failed`);
  process.exit(1);
}
console.log("all browser checks passed");
