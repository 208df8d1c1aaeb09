#!/usr/bin/env python3
"""Writes models/cell_kinetics_wholebody.toml (the model is data; this script only keeps the
13 organ blocks consistent). Run from the repository root: python3 scripts/gen_cell_kinetics_wholebody.py"""

CF = "cell-fate.md"
PHYS = ("ICRP Publication 89 (2002) reference adult male, blood-flow fractions of cardiac output and regional "
        "blood volumes, with Brown RP et al. Toxicol Ind Health 1997;13:407 for cardiac output; not in cell-fate.md, "
        "values entered from the standard tables and rounded (check before citing)")
GUESS = "assumption (no source found): small bed, value only sets transit time and a small share of flow"

# organ: (flow fraction of CO, source, fraction of total blood volume in the organ's vessels, source, kind)
# kind: cap = capillary bed (E_cap), res = sinusoidal/reticulo-endothelial bed (E_res)
ORGANS = [
    ("liver",   0.065, PHYS + " (hepatic artery only; portal inflow = gut + spleen outflow)", 0.10,  PHYS, "res"),
    ("spleen",  0.03,  PHYS, 0.014, PHYS, "res"),
    ("kidney",  0.19,  PHYS, 0.02,  PHYS, "cap"),
    ("heart",   0.036, PHYS + " (coronary flow 4 % of CO, minus the lesion's 0.4 %)", 0.01, PHYS, "cap"),
    ("brain",   0.12,  PHYS, 0.012, PHYS, "cap"),
    ("marrow",  0.03,  PHYS + " (red marrow)", 0.04, PHYS + " (red marrow)", "res"),
    ("gut",     0.16,  PHYS + " (stomach + small + large intestine; drains to the portal vein)", 0.038, PHYS, "cap"),
    ("muscle",  0.17,  PHYS, 0.14,  PHYS, "cap"),
    ("skin",    0.05,  PHYS, 0.03,  PHYS, "cap"),
    ("adipose", 0.05,  PHYS, 0.05,  PHYS, "cap"),
    ("ln",      0.01,  GUESS, 0.002, GUESS, "cap"),
    ("lesion",  0.004, "assumption: infarct-related territory ~10 % of coronary flow (4 % of CO); set per scenario", 0.001, GUESS, "cap"),
    ("rest",    0.085, "remainder so that the fractions sum to 1 (bone, pancreas, other tissues)", 0.05, "remainder-type assumption", "cap"),
]
LUNG_BLOOD = 0.105  # ICRP 89 pulmonary blood share
ART_BLOOD = 0.12

params = []  # (name, value, unit, description, source, uncertainty)
def P(*a): params.append(a)

P("BW", 70, "kg", "body weight", "reference adult (ICRP 89 reference male 73 kg, rounded to the PBPK convention 70 kg)", "per scenario")
P("CO_coef", 13.88, "L/h", "cardiac output per kg^0.75 of body weight (CO = CO_coef*BW^0.75; 336 L/h = 5.6 L/min at 70 kg)",
  "Brown RP et al. Toxicol Ind Health 1997;13:407 (human 5.6 L/min), allometric exponent 0.75", "allometry with the human coefficient overestimates mouse CO about 2.4x (Tsai: 678 mL/h at 28 g); that changes circulation times (seconds), not where cells end up")
P("BV_per_kg", 0.075, "L/kg", "blood volume per kg", PHYS + " (5.3 L/73 kg)", "mouse ~0.06 L/kg (Tsai Table S2: 1.717 mL/28 g)")
P("f_blood_lung", LUNG_BLOOD, "1", "fraction of blood volume in the pulmonary vessels", PHYS, "not reported")
P("f_blood_art", ART_BLOOD, "1", "fraction of blood volume in the arterial pool", "assumption", "not reported")
for o, q, qs, b, bs, kind in ORGANS:
    P(f"q_{o}", q, "1", f"{o}: blood flow as a fraction of cardiac output", qs, "not reported")
    P(f"b_{o}", b, "1", f"{o}: fraction of total blood volume in its vessels", bs, "not reported")
for o, *_r in ORGANS:
    P(f"m_{o}", 1, "1", f"{o}: tropism multiplier on the extraction odds, E = 1 - (1 - E_base)^m (1 = size-driven only)",
      "model convention; cell-type sets change it (T cells: lymph nodes, kidney, marrow; see the model page)", "per cell type")
# cell type (defaults: culture-expanded MSC)
P("E_lung", 0.97, "1", "first-pass lung extraction of the infused cells (MSC default)",
  f"Fischer UM et al. Stem Cells Dev 2009 (BM-MNC pass the lung 30x better than MSC => MSC E >= 0.967) ({CF} §0, §6 C12, [derived])", "MSC 0.967-0.9995 (mouse: <0.05 % of 2e6 outside lung, Lee 2009)")
P("E_cap", 0.92, "1", "first-pass extraction in capillary beds of cells reaching arterial blood (MSC: size arrest)",
  f"Toma C et al. Circ Res 2009 (92 +/- 7 % arrested on first pass, rat cremaster) ({CF} §2.3, C13)", "0.85-0.99 (Toma 2009)")
P("E_res", 0.92, "1", "first-pass extraction in sinusoidal beds (liver, spleen, marrow)",
  f"MSC: taken equal to E_cap (size arrest, Toma 2009); other cell types per scenario ({CF} §1.5)", "not measured for MSC")
P("k_rel", 0, "1/h", "release of arrested living cells back to blood, systemic organs",
  f"MSC: 0 (Eggenhofer 2012: viable MSC never found beyond the lung; {CF} §1.5)", "BM-MNC/lymphocytes: hours (Ganusov 2014 spleen residence 2.5 h)")
P("k_rel_lung", 0, "1/h", "release of lung-arrested living cells back to blood",
  f"MSC: 0 (Eggenhofer 2012; {CF} §1.5)", "lymphocytes: lung residence < 1 min (Ganusov 2014)")
P("t_half_lung", 24, "h", "median survival of lung-trapped cells (two-stage death, Erlang-2)",
  f"Lee RH et al. Cell Stem Cell 2009 (lung t1/2 ~24 h); Toma 2009 (t1/2 ~25 h) ({CF} §0, C10)", "accept 12-36 h (C10); mouse scenarios use 16 h, calibrated to C10")
P("k_death", 0.027, "1/h", "death rate of arrested cells outside the lung (and in the lesion)",
  f"Toma 2009: 14 % of arrested MSC alive at 3 d => 0.027 1/h ({CF} §0, [derived])", "7-25 % alive at 3 d (C13)")
P("k_blood", 0, "1/h", "loss of cells while circulating (IBMIR, complement)", f"not quantified ({CF} §3: Moll et al. [unverified])", "unknown")
P("H_injury", 1.7, "1", "injury homing multiplier on the lesion's cell-capture clearance (Q*E) for arterial cells",
  f"Abbott 2004 (1.8x), Assis 2010 (1.4x), Detante 2009 (1.8x) ({CF} §3, C19)", "1.4-2.0 measured for IV cells; >= 5 would be outside the evidence (C19)")
P("H_liver", 1, "1", "injury homing multiplier on the liver's arterial cell-capture clearance (liver injury; 1 = healthy)",
  f"model convention, same form as H_injury; liver-injury scenarios (C23) set 1.7, the H_injury value from Abbott 2004, Assis 2010, Detante 2009 ({CF} §3, C19)", "1.4-2.0 for IV cells (C19); the rest of the body gives up the extra flow, so H_liver <= 2.2 with the default flows")
P("f_ic", 1, "1", "fraction of an intracoronary dose that enters the coronary circulation (selective catheter = 1)",
  "human selective intracoronary infusion; rat aortic-root injection with cross-clamp scenarios set 0.17, calibrated to Bonios 2011 IC 15.4 %", "route technique")
P("f_im_retain", 0.15, "1", "fraction of an intramyocardial injection retained at the site; the rest escapes via coronary veins",
  f"calibrated: Bonios 2011 rat IM retention 9.9-22.9 % at 1 h (~12-14 % in non-ligated hearts) and Nakamuta 2009 ~7 % at 24 h ({CF} §2.4, C16, C17)", "0.07-0.23 (animals); substrate-dependent (d7 infarct 16 % at 24 h)")
P("f_local_retain", 1, "1", "fraction of a local (e.g. intra-articular, intramuscular) injection retained at the site",
  f"Sanchez-Diaz 2021 / Shim 2015: IM, intra-articular, intradermal -> no systemic distribution ({CF} §2.3, C22)", "not quantified")
# label
P("f_unbound", 0, "1", "fraction of injected label not bound to cells at injection (free label)",
  f"18F-FDG: > 99 % cell-bound (Hofmann 2005, {CF} §2.2); 99mTc-HMPAO scenarios use 0.25, calibrated to Assis 2010 (C11; bladder activity seen)", "label-specific")
P("k_leak", 0, "1/h", "label leakage from living cells", f"111In leakage exists but was not quantified here (Blackwood 2011, {CF} §4)", "unknown")
P("t_half_label", 67.3, "h", "physical half-life of the label (111In 67.3 h; 99mTc 6.01 h; 18F 1.83 h; 89Zr 78.41 h; 51Cr 665 h)",
  "nuclear data: NNDC NuDat (ENSDF) half-lives, entered from the standard table, not re-read in this session (check before citing)", "exact for the isotope")
P("k_debris", 0.5, "1/h", "rate at which label of dead cells (and free label) is taken up from blood by phagocytes or excreted",
  f"assumption; order of hours from Eggenhofer 2012 (label in liver by 24 h) and de Witte 2018 (monocytes carry MSC material out of the lung) ({CF} §1.5, §3)", "not measured")
P("f_liv", 0.152, "1", "fraction of released label taken up by the liver",
  f"calibrated to Gholamrezanezhad 2011 human 111In-MSC: liver 13-17.4 % at day 10 ({CF} §2.2, C14); mouse 51Cr scenario uses 0.6 (Eggenhofer 2012, label mainly liver at 24 h)", "species- and label-dependent")
P("f_spl", 0.36, "1", "fraction of released label taken up by the spleen",
  f"calibrated to Gholamrezanezhad 2011: spleen 30-42 % at day 10, spleen > liver ({CF} C14); mouse 0.1", "species- and label-dependent")
P("f_bm", 0.15, "1", "fraction of released label taken up by the bone marrow", "assumption (111In binds transferrin, marrow uptake); not measured here", "unknown")
P("k_label_out", 0, "1/h", "loss of label from liver, spleen and marrow phagocytes", "assumption: retained over 10 days (Gholamrezanezhad 2011 liver and spleen still rising at day 10)", "unknown")
P("t_label", 0, "d", "time of the (single) labelled dose: label per cell decays from then", "model convention", "label observables assume one bolus")

org = [o[0] for o in ORGANS]
sysorg = org  # all non-lung
states = [("A_art", "arterial blood"), ("A_ven", "venous blood"), ("V_lung", "lung vascular"),
          ("X_lung1", "lung-arrested living cells, first stage"), ("X_lung2", "lung-arrested living cells, second (dying) stage")]
for o in org:
    states += [(f"V_{o}", f"{o}: cells in the vascular space"), (f"X_{o}", f"{o}: arrested / extravascular living cells")]
states += [("cum_arrest_lesion", "cumulative cells arrested in the lesion (no loss; survival denominator)"),
           ("D_blood", "label of dead cells and free label in transit (cell equivalents)"),
           ("D_liver", "label retained by liver phagocytes"), ("D_spleen", "label retained by splenic phagocytes"),
           ("D_marrow", "label retained by marrow phagocytes"), ("D_out", "label excreted (cumulative)"),
           ("dose_total", "cells given so far (all routes)"),
           ("AUC_liver", "AUC of living cells in the liver from 0 to t"), ("AUC_lung", "AUC of living cells in the lung from 0 to t")]

A = {}
A["hd"] = ("24", "h/d", "hours per day: rates are per hour, t is in days")
A["CO"] = ("CO_coef*BW^0.75", "L/h", "cardiac output")
A["BV"] = ("BV_per_kg*BW", "L", "blood volume")
A["Q_lesion"] = ("H_injury*q_lesion*CO", "L/h", "effective capture flow of the lesion (x H_injury)")
A["Q_rest"] = ("(q_rest - (H_injury - 1)*q_lesion - (H_liver - 1)*q_liver)*CO", "L/h", "rest of the body (gives up the lesion's and the injured liver's extra flow)")
A["Q_liver"] = ("H_liver*q_liver*CO", "L/h", "liver arterial blood flow (effective capture flow, x H_liver)")
for o in org:
    if o not in ("lesion", "rest", "liver"):
        A[f"Q_{o}"] = (f"q_{o}*CO", "L/h", f"{o} arterial blood flow")
    A[f"Vv_{o}"] = (f"b_{o}*BV", "L", f"{o} vascular volume")
A["Q_liver_tot"] = ("Q_liver + Q_gut + Q_spleen", "L/h", "hepatic artery + portal flow")
A["Vv_lung"] = ("f_blood_lung*BV", "L", "pulmonary vascular volume")
A["V_artpool"] = ("f_blood_art*BV", "L", "arterial pool")
A["V_venpool"] = ("(1 - f_blood_art - f_blood_lung - " + " - ".join(f"b_{o}" for o in org) + ")*BV", "L", "venous pool (rest of the blood)")
A["Emax"] = ("0.999999", "1", "cap on extraction (keeps J finite)")
A["J_lung"] = ("min(E_lung, Emax)/(1 - min(E_lung, Emax))*CO/Vv_lung", "1/h", "lung arrest rate constant giving E_lung per pass")
for o, *_r, kind in ORGANS:
    E = "E_res" if kind == "res" else "E_cap"
    Q = "Q_liver_tot" if o == "liver" else f"Q_{o}"
    A[f"E_{o}"] = (f"min(1 - (1 - {E})^m_{o}, Emax)", "1", f"{o} per-pass extraction")
    A[f"J_{o}"] = (f"E_{o}/(1 - E_{o})*{Q}/Vv_{o}", "1/h", f"{o} arrest rate constant giving E_{o} per pass")
A["k_lung"] = ("1.678347/t_half_lung", "1/h", "stage rate of the two-stage lung death (median survival t_half_lung)")
A["k_loss_lesion"] = ("k_death + k_rel", "1/h", "lesion loss rate")
A["q_lab"] = ("(1 - f_unbound)*exp(-k_leak*hd*max(t - t_label, 0))", "1", "label carried by one living cell (dose = 1)")
A["decay"] = ("2^(-hd*max(t - t_label, 0)/t_half_label)", "1", "physical decay of the label since the dose")
A["dose_ref"] = ("max(dose_total, 1e-300)", "cells", "")
A["C_art"] = ("A_art/V_artpool", "cells/L", "")
A["C_ven"] = ("A_ven/V_venpool", "cells/L", "")
A["C_vlung"] = ("V_lung/Vv_lung", "cells/L", "")
for o in org:
    A[f"C_v{o}"] = (f"V_{o}/Vv_{o}", "cells/L", "")
A["lung_cells"] = ("V_lung + X_lung1 + X_lung2", "cells", "living cells in the lung")
for o in org:
    A[f"{o}_cells"] = (f"V_{o} + X_{o}", "cells", f"living cells in {o} (vascular + arrested)")
live = "A_art + A_ven + lung_cells + " + " + ".join(f"{o}_cells" for o in org)
A["live_cells"] = (live, "cells", "all living infused cells")
deaths = "k_lung*X_lung2 + k_blood*(A_art + A_ven) + " + " + ".join(f"k_death*X_{o}" for o in org)
A["death_flux"] = (deaths, "cells/h", "cells dying per hour")
A["label_body"] = ("q_lab*live_cells + D_blood + D_liver + D_spleen + D_marrow", "1", "label in the body (cell equivalents)")

odes = {}
odes["A_art"] = "hd*(CO*C_vlung - (" + " + ".join(
    ["Q_liver", "Q_spleen", "Q_gut"] + [f"Q_{o}" for o in org if o not in ("liver", "spleen", "gut")]) + ")*C_art - k_blood*A_art)"
ven_in = ["Q_liver_tot*C_vliver"] + [f"Q_{o}*C_v{o}" for o in org if o not in ("liver", "spleen", "gut")]
odes["A_ven"] = "hd*(" + " + ".join(ven_in) + " - CO*C_ven - k_blood*A_ven)"
odes["V_lung"] = "hd*(CO*C_ven - CO*C_vlung - J_lung*V_lung + k_rel_lung*X_lung1)"
odes["X_lung1"] = "hd*(J_lung*V_lung - k_rel_lung*X_lung1 - k_lung*X_lung1)"
odes["X_lung2"] = "hd*(k_lung*X_lung1 - k_lung*X_lung2)"
for o in org:
    if o == "liver":
        inflow = "Q_liver*C_art + Q_gut*C_vgut + Q_spleen*C_vspleen"; out = "Q_liver_tot*C_vliver"
    else:
        inflow = f"Q_{o}*C_art"; out = f"Q_{o}*C_v{o}"
    odes[f"V_{o}"] = f"hd*({inflow} - {out} - J_{o}*V_{o} + k_rel*X_{o})"
    odes[f"X_{o}"] = f"hd*(J_{o}*V_{o} - k_rel*X_{o} - k_death*X_{o})"
odes["cum_arrest_lesion"] = "hd*J_lesion*V_lesion"
odes["D_blood"] = "hd*(q_lab*death_flux + k_leak*q_lab*live_cells - k_debris*D_blood)"
odes["D_liver"] = "hd*(f_liv*k_debris*D_blood - k_label_out*D_liver)"
odes["D_spleen"] = "hd*(f_spl*k_debris*D_blood - k_label_out*D_spleen)"
odes["D_marrow"] = "hd*(f_bm*k_debris*D_blood - k_label_out*D_marrow)"
odes["D_out"] = "hd*((1 - f_liv - f_spl - f_bm)*k_debris*D_blood + k_label_out*(D_liver + D_spleen + D_marrow))"
odes["dose_total"] = "0"
odes["AUC_liver"] = "liver_cells"
odes["AUC_lung"] = "lung_cells"

obs = []  # name, value, unit, description
for o, expr in [("lung", "lung_cells"), ("blood", "A_art + A_ven")] + [(o, f"{o}_cells") for o in org] + \
        [("heart_total", "heart_cells + lesion_cells"), ("total", "live_cells"), ("outside_lung", "live_cells - lung_cells"), ("outside_lesion", "live_cells - lesion_cells")]:
    obs.append((f"cells_{o}", f"100*({expr})/dose_ref", "%", f"living infused cells in {o}, % of dose"))
lab = {"lung": "q_lab*lung_cells", "liver": "q_lab*liver_cells + D_liver", "spleen": "q_lab*spleen_cells + D_spleen",
       "marrow": "q_lab*marrow_cells + D_marrow", "heart_total": "q_lab*(heart_cells + lesion_cells)",
       "lesion": "q_lab*lesion_cells", "kidney": "q_lab*kidney_cells", "blood": "q_lab*(A_art + A_ven) + D_blood"}
for o, expr in lab.items():
    obs.append((f"label_{o}", f"100*({expr})/dose_ref", "%", f"label in {o}, % of injected label, decay-corrected"))
    obs.append((f"activity_{o}", f"100*({expr})*decay/dose_ref", "%", f"label activity in {o}, % of injected activity, not decay-corrected"))
obs.append(("cells_arrested_outside_lung", "100*(" + " + ".join(f"X_{o}" for o in org) + ")/dose_ref", "%", "living cells arrested in organs other than the lung (extravascular pools), % of dose"))
obs.append(("share_spleen_liver_lung_kidney_marrow_ln", "(lung_cells + liver_cells + spleen_cells + kidney_cells + marrow_cells + ln_cells)/max(live_cells, 1e-300)", "1", "share of living cells in spleen, liver, lung, kidney, bone marrow and lymph nodes (Khot 2019 organs)"))
obs.append(("label_balance", "100*(label_body + D_out)/dose_ref", "%", "label in the body + excreted, % of injected (decay-corrected): 100 at all times (mass balance)"))
obs.append(("label_share_liver", f"({lab['liver']})/max(label_body, 1e-300)", "1", "liver's share of the label remaining in the body"))
obs.append(("ln_cells_lesion", "ln(max(100*lesion_cells/dose_ref, 1e-300))", "1", "ln of living cells in the lesion (% of dose); differences between runs are ln ratios"))
obs.append(("ln_cells_heart_total", "ln(max(100*(heart_cells + lesion_cells)/dose_ref, 1e-300))", "1", "ln of living cells in the heart incl. lesion"))
obs.append(("ln_AUC_cells_liver", "ln(max(100*AUC_liver/dose_ref, 1e-300))", "1", "ln of the AUC of living cells in the liver from 0 to t (% of dose x d); differences between runs are ln AUC ratios"))
obs.append(("ln_AUC_cells_lung", "ln(max(100*AUC_lung/dose_ref, 1e-300))", "1", "ln of the AUC of living cells in the lung from 0 to t (% of dose x d)"))
obs.append(("lesion_survival", "X_lesion/max(cum_arrest_lesion, 1e-300)", "1", "living arrested cells in the lesion / all cells ever arrested there"))
obs.append(("lung_passage", "1 - E_lung", "1", "first-pass lung passage of the cell type (1 - E_lung)"))
obs.append(("ln_lung_passage", "ln(1 - min(E_lung, Emax))", "1", "ln of the first-pass lung passage"))

routes = [
    ("iv", "intravenous (peripheral vein): into venous blood", {"A_ven": "1"}),
    ("intra_arterial", "systemic intra-arterial (carotid, aortic, LV cavity): into arterial blood, shared by flow", {"A_art": "1"}),
    ("ia_lesion", "selective intra-arterial into the lesion's feeding artery (renal artery, microvascular bed): into the lesion's vessels", {"V_lesion": "1"}),
    ("intraportal", "intraportal or selective hepatic-artery infusion (islets, hepatocytes, MSC in liver disease): into the liver's vessels, whose capillaries are the first bed the cells meet",
     {"V_liver": "1"}),
    ("carotid", "selective internal-carotid infusion (stroke trials): into the brain's vessels, the first bed the cells meet",
     {"V_brain": "1"}),
    ("intracoronary", "intracoronary: the fraction f_ic enters coronary vessels, split heart/lesion by capture flow; the rest into arterial blood",
     {"V_heart": "f_ic*Q_heart_frac", "V_lesion": "f_ic*(1 - Q_heart_frac)", "A_art": "1 - f_ic"}),
    ("intramyocardial", "intramyocardial injection into the lesion (infarct/border zone): f_im_retain stays, the rest escapes to venous blood",
     {"X_lesion": "f_im_retain", "cum_arrest_lesion": "f_im_retain", "A_ven": "1 - f_im_retain"}),
    ("local", "local injection into the lesion tissue (intra-articular, intramuscular, intralesional): f_local_retain stays, the rest to venous blood",
     {"X_lesion": "f_local_retain", "cum_arrest_lesion": "f_local_retain", "A_ven": "1 - f_local_retain"}),
]
A["Q_heart_frac"] = ("q_heart/(q_heart + H_injury*q_lesion)", "1", "share of coronary capture flow outside the lesion")
# route fractions must be parameter expressions: Q_heart_frac depends on parameters only.

def q(s): return '"' + s.replace('"', "'") + '"'
out = []
out.append('''[model]
name = "cell_kinetics_wholebody"
version = "1.0.0"
title = "Whole-body kinetics of infused cells (MSC, BM-MNC, CD34+, CDC, EPC, T cells): where they go, how long they live, what the label shows"
description = """Physiologically based model of infused cells, built from the structure of the T-cell PBPK of Khot 2019 /
Tsai 2022 and the MSC lung-trap synthesis of cell-fate.md §1.5 (not a published model). Blood (arterial, venous)
and, per organ (lung, liver, spleen, kidney, heart, brain, bone marrow, gut, muscle, skin, adipose, lymph nodes,
a target lesion, rest), a vascular space and an arrested/extravascular pool of living cells. Arrest per pass
(first-pass extraction E) is size-driven: E_lung in the lung, E_cap in capillary beds, E_res in liver, spleen and
marrow sinusoids; arrested cells die (two-stage death in the lung, k_death elsewhere) or are released (k_rel).
Gut and spleen drain into the liver (portal). Flows scale with body weight (CO = CO_coef*BW^0.75), volumes with
BW. Injury homing multiplies the lesion's capture clearance by H_injury (default 1.7, inside the measured 1.4-2x);
H_liver does the same for the liver's arterial capture (liver injury, default 1 = healthy). AUC_liver and
AUC_lung integrate the living cells in liver and lung (exposure, C23).
Living cells and label are separate: each living cell carries label q_lab (less free label, leak); label of dead
cells goes to blood (D_blood) and from there to liver, spleen and marrow phagocytes or is excreted; activity_*
observables add the physical decay of the isotope. Defaults: culture-expanded MSC in a 70 kg human, 111In label.
Other cell types, species and labels are parameter sets (see the .md page and scenarios/). Rates per hour,
t in days. Single labelled bolus assumed for label observables. What the evidence supports: intracoronary
bone-marrow cells leave 1-3 % of the dose in the heart at 1-2 h (less later); intravenous MSC stay in the lung and
die there within days. Adult cells (MSC, marrow cells, CD34+) do not become heart muscle, here or in the evidence:
the model tracks location and survival only. Generated by scripts/gen_cell_kinetics_wholebody.py."""
solver = "stiff"
reproduces = ["C10", "C11", "C12", "C13", "C14", "C15", "C16", "C17", "C18", "C19", "C20", "C21", "C22", "C23"]
''')
for n, v, u, d, s, unc in params:
    out.append(f"\n[parameters.{n}]\nvalue = {v!r}\nunit = {q(u)}\ndescription = {q(d)}\nsource = {q(s)}\nuncertainty = {q(unc)}\n")
for n, d in states:
    unit = "1" if n.startswith("D_") else "cells*d" if n.startswith("AUC_") else "cells"
    out.append(f"\n[states.{n}]\nunit = {q(unit)}\ninitial = \"0\"\ndescription = {q(d)}\n")
out.append("\n[assignments]\n")
for n, (v, u, d) in A.items():
    out.append(f"{n} = {{ value = {q(v)}, unit = {q(u)}" + (f", description = {q(d)}" if d else "") + " }\n")
out.append("\n[odes]\n")
for n, _ in states:
    out.append(f"{n} = {q(odes[n])}\n")
for n, v, u, d in obs:
    out.append(f"\n[observables.{n}]\nvalue = {q(v)}\nunit = {q(u)}\ndescription = {q(d)}\n")
for n, d, into in routes:
    into = dict(into)
    into["dose_total"] = "1"
    into["D_blood"] = "f_unbound"
    body = ", ".join(f"{k} = {q(v)}" for k, v in into.items())
    out.append(f"\n[routes.{n}]\nunit = \"cells\"\ndescription = {q(d)}\ninto = {{ {body} }}\n")
open("models/cell_kinetics_wholebody.toml", "w").write("".join(out))
print(len(states), "states,", len(params), "parameters")
