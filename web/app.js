// The engraft web app: builds a scenario file from the form (or takes a built-in one), sends it to
// the server (POST /api/run), shows the endpoints and the run's HTML report; starts built-in trials
// (POST /api/trials/NAME) and polls their progress. No libraries: the page is served by engraft itself.
"use strict";

const text = {
  en: {
    tagline: "Mechanistic simulation of stem-cell infusion, with the clinical evidence beside every prediction. A model of a typical patient, not a forecast for a person.",
    language: "Language", oneRun: "One patient", scenario: "Scenario and model", patient: "Patient", weight: "Weight",
    bsa: "Body surface area", graft: "Graft (day 0)", cd34: "CD34+ dose", source: "Source", viability: "Viability",
    regimen: "Regimen", melphalan: "Melphalan, day −2", gcsf: "Filgrastim 5 µg/kg/day from day",
    endDay: "Simulate until day", formNote: "This scenario is not the transplant template: edit its file below.",
    scenarioFile: "Scenario file (what engraft run reads)", run: "Run", endpoint: "Endpoint", value: "Value", unit: "Unit",
    trial: "In-silico trial", trialChoice: "Trial", patients: "Virtual patients per arm", seed: "Seed", runTrial: "Run trial",
    footer: "Runs on this machine only; nothing is sent anywhere else. Models, parameters and sources: docs/models.md.",
    trialTable: "Summary table (as engraft trial prints it)", running: "running…", done: "done", invalid: "Fix the fields marked in red first:", notReached: "not reached",
    yes: "yes", no: "no", subjects: "subjects", noEndpoints: "This model has no transplant endpoints: see its plots below.",
  },
  zh: {
    tagline: "干细胞回输的机制模拟，每个预测旁附临床证据。这是典型患者的模型，不是对个人的预测。",
    language: "语言", oneRun: "单个患者", scenario: "情景与模型", patient: "患者", weight: "体重", bsa: "体表面积",
    graft: "移植物（第 0 天）", cd34: "CD34+ 剂量", source: "来源", viability: "活率", regimen: "方案",
    melphalan: "美法仑，第 −2 天", gcsf: "非格司亭 5 µg/kg/天，起始日", endDay: "模拟至第几天",
    formNote: "此情景不是移植模板：请直接编辑下面的文件。", scenarioFile: "情景文件（engraft run 读取的内容）", run: "运行",
    endpoint: "终点", value: "数值", unit: "单位", trial: "虚拟临床试验", trialChoice: "试验", patients: "每组虚拟患者数",
    seed: "随机种子", runTrial: "运行试验", trialTable: "汇总表（与 engraft trial 输出相同）", footer: "只在本机运行，不向外发送任何数据。模型、参数与来源：docs/models.md。",
    running: "运行中…", done: "完成", invalid: "请先修正标红的字段：", notReached: "未达到", yes: "是", no: "否",
    subjects: "名受试者", noEndpoints: "该模型没有移植终点：请看下面的图。",
  },
};

// summary.json endpoint keys (docs/outputs.md), in display order.
const endpoints = [
  ["neutrophil_engraftment_day", "day", "Neutrophil engraftment", "中性粒细胞植入", 0],
  ["platelet_engraftment_day", "day", "Platelet engraftment", "血小板植入", 0],
  ["anc_0_5_crossing_day", "day", "ANC crosses 0.5 (continuous)", "ANC 越过 0.5（连续）", 2],
  ["plt_20_crossing_day", "day", "PLT crosses 20 (continuous)", "PLT 越过 20（连续）", 2],
  ["anc_nadir", "10^9/L", "ANC nadir", "ANC 最低值", 3],
  ["plt_nadir", "10^9/L", "PLT nadir", "PLT 最低值", 1],
  ["severe_neutropenia_hours", "h", "Time with ANC < 0.5", "ANC < 0.5 的时间", 0],
  ["graft_failure", "", "Graft failure", "植入失败", null],
];

const $ = (id) => document.getElementById(id);
let lang = "en";
let scenarios = [];
let trials = [];
let lastSummary = null;

function t(key) { return text[lang][key] ?? text.en[key]; }

function applyLanguage() {
  document.documentElement.lang = lang;
  for (const el of document.querySelectorAll("[data-i18n]")) el.textContent = t(el.dataset.i18n);
  if (lastSummary) showEndpoints(lastSummary);
}

async function getJson(url) {
  const response = await fetch(url);
  if (!response.ok) throw new Error((await response.json()).error);
  return response.json();
}

// The transplant template: scenarios/default.toml with the form's values.
function transplantScenario() {
  const v = (id) => $(id).value.trim();
  const lines = [
    "# Written by the engraft web app from its form (the transplant template, as scenarios/default.toml).",
    "[scenario]", 'name = "Web app: autologous transplant"', 'model = "autologous_transplant"', "start_day = -3",
    `end_day = ${v("end-day")}`, 'output_step = "1 h"', "",
    "[patient]", `weight = "${v("weight")} kg"`, `bsa = "${v("bsa")} m^2"`, "",
    "[graft]", `cd34 = "${v("cd34")}e6 cells/kg"`, "day = 0", `source = "${v("source")}"`,
    `viability = ${Number(v("viability")) / 100}`, "",
  ];
  if (Number(v("melphalan")) > 0)
    lines.push("[[dose]]", 'route = "melphalan"', "day = -2", `amount = "${v("melphalan")} mg/m^2"`, 'duration = "30 min"', "");
  if ($("gcsf").checked)
    lines.push("[[dose]]", 'route = "gcsf"', `day = ${v("gcsf-day")}`, 'amount = "5 ug/kg"', 'interval = "1 d"', "additional = 29", "");
  return lines.join("\n");
}

function usingTemplate() { return $("scenario-choice").value === "default"; }

function invalidFields() {
  if (!usingTemplate()) return [];
  return [...$("transplant-form").querySelectorAll("input")].filter((input) => !input.checkValidity());
}

// On every edit: fields are re-checked, and the scenario file follows the form while the form is valid.
function refreshScenarioText() {
  const bad = invalidFields();
  for (const input of $("transplant-form").querySelectorAll("input")) input.classList.toggle("invalid", bad.includes(input));
  if (bad.length === 0) showError($("run-error"), "");
  if (usingTemplate() && bad.length === 0) $("scenario-text").value = transplantScenario();
}

function chooseScenario() {
  const template = usingTemplate();
  for (const fs of $("transplant-form").querySelectorAll("fieldset")) fs.disabled = !template;
  $("form-note").hidden = template;
  if (template) refreshScenarioText();
  else {
    $("scenario-text").value = scenarios.find((s) => s.name === $("scenario-choice").value).text;
    $("scenario-details").open = true;
  }
}

function showError(box, message) {
  box.textContent = message;
  box.hidden = !message;
}

function formatValue(value, digits) {
  if (value === null || value === undefined) return t("notReached");
  if (typeof value === "boolean") return value ? t("yes") : t("no");
  return digits === 0 ? value.toFixed(0) : Number(value.toPrecision(Math.max(digits, 1) + 1)).toString();
}

function showEndpoints(summary) {
  const body = $("endpoints").querySelector("tbody");
  body.replaceChildren();
  const values = summary.endpoints ?? {};
  const anyTransplant = endpoints.some(([key]) => values[key] !== null && values[key] !== undefined && key !== "graft_failure");
  if (!anyTransplant) {
    const row = body.insertRow();
    const cell = row.insertCell();
    cell.colSpan = 3;
    cell.textContent = t("noEndpoints");
  } else {
    for (const [key, unit, en, zh, digits] of endpoints) {
      const row = body.insertRow();
      row.insertCell().textContent = lang === "zh" ? zh : en;
      const cell = row.insertCell();
      cell.className = "number";
      cell.dataset.endpoint = key;
      cell.textContent = formatValue(values[key], digits);
      row.insertCell().textContent = unit;
    }
  }
  $("endpoints").hidden = false;
}

function showReport(html) {
  $("report").srcdoc = html;
  $("report").hidden = false;
}

async function runScenario() {
  const bad = invalidFields();
  refreshScenarioText();
  if (bad.length) {
    showError($("run-error"), `${t("invalid")} ${bad.map((input) => input.id).join(", ")}`);
    return;
  }
  $("run").disabled = true;
  $("run-status").textContent = t("running");
  try {
    const response = await fetch(`/api/run?lang=${lang}`, {
      method: "POST", headers: { "Content-Type": "application/toml" }, body: $("scenario-text").value,
    });
    const answer = await response.json();
    if (!response.ok) throw new Error(answer.error);
    lastSummary = answer.summary;
    showEndpoints(answer.summary);
    showReport(answer.report_html);
    $("run-status").textContent = t("done");
  } catch (error) {
    $("run-status").textContent = "";
    showError($("run-error"), error.message);
  } finally {
    $("run").disabled = false;
  }
}

function chooseTrial() {
  const trial = trials.find((x) => x.name === $("trial-choice").value);
  if (!trial) return;
  $("trial-description").textContent = `${trial.title}: ${trial.arms.join(" · ")}`;
  $("trial-seed").value = trial.seed;
}

async function runTrial() {
  const patients = $("trial-patients"), seed = $("trial-seed");
  if (!patients.checkValidity() || !seed.checkValidity()) {
    showError($("trial-error"), `${t("invalid")} ${[patients, seed].filter((x) => !x.checkValidity()).map((x) => x.id).join(", ")}`);
    return;
  }
  showError($("trial-error"), "");
  $("run-trial").disabled = true;
  $("trial-summary-box").hidden = true;
  const bar = $("trial-progress");
  bar.hidden = false;
  bar.value = 0;
  try {
    const query = `patients=${patients.value}&seed=${seed.value}&lang=${lang}`;
    const response = await fetch(`/api/trials/${$("trial-choice").value}?${query}`, { method: "POST" });
    const started = await response.json();
    if (!response.ok) throw new Error(started.error);
    for (;;) {
      const job = await getJson(`/api/jobs/${started.job}`);
      bar.max = Math.max(job.total, 1);
      bar.value = job.done;
      $("trial-status").textContent = `${job.done} / ${job.total} ${t("subjects")}`;
      if (job.state === "failed") throw new Error(job.error);
      if (job.state === "done") {
        $("trial-summary").textContent = job.result.summary_text;
        $("trial-summary-box").hidden = false;
        showReport(job.result.report_html);
        break;
      }
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  } catch (error) {
    showError($("trial-error"), error.message);
  } finally {
    $("run-trial").disabled = false;
  }
}

async function start() {
  $("lang").addEventListener("change", () => { lang = $("lang").value; applyLanguage(); });
  $("transplant-form").addEventListener("input", refreshScenarioText);
  $("scenario-choice").addEventListener("change", chooseScenario);
  $("trial-choice").addEventListener("change", chooseTrial);
  $("run").addEventListener("click", runScenario);
  $("run-trial").addEventListener("click", runTrial);
  try {
    $("version").textContent = `v${(await getJson("/api/version")).engraft}`;
    scenarios = await getJson("/api/scenarios");
    for (const s of scenarios) $("scenario-choice").add(new Option(`${s.name} (model: ${s.model})`, s.name));
    trials = await getJson("/api/trials");
    for (const x of trials) $("trial-choice").add(new Option(x.title || x.name, x.name));
    chooseScenario();
    chooseTrial();
    document.body.dataset.ready = "true";
  } catch (error) {
    showError($("run-error"), error.message);
  }
}

start();
