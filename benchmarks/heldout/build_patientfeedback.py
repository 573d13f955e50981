"""Rebuild the two real evaluation sets from the published NHS patient feedback data.

Source: ``datasets/v6framework_230831.csv`` of https://github.com/The-Strategy-Unit/pxtextmining
(commit ``ba6c0a2``, MIT licence, copyright NHS England): Friends and Family Test comments from
two NHS trusts that agreed to publish them, each labelled by the project's qualitative analysts
with the sub-categories of their Patient Experience Qualitative Data Categorisation Framework.

Usage: ``python benchmarks/heldout/build_patientfeedback.py PATH/TO/v6framework_230831.csv``
(writes ``patientfeedback_nhft/`` and ``patientfeedback_neas/`` beside this file). The comment
text is copied unchanged; the labels are the analysts'. Sampling is seeded, so a rebuild gives
the same files.
"""

from __future__ import annotations

import csv
import random
import sys
from collections import defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
SEED = 18
PER_CODE = 7
MIN_WORDS = 5
MIN_CODE = 20

#: Sub-category (the source's column name) -> (code id, one-sentence definition written from
#: the framework's own description of the sub-category). Sub-categories the framework page
#: does not describe are left out.
CODES: dict[str, tuple[str, str]] = {
    "Positive experience & gratitude": (
        "general.positive",
        "General praise, thanks or satisfaction with the service or staff without saying what "
        "was good, including saying that nothing needs to improve.",
    ),
    "Organisation & efficiency": (
        "general.organisation",
        "How efficient, well run and well organised the service is.",
    ),
    "Funding & use of financial resources": (
        "general.funding",
        "How much money the service has or needs and how it uses its resources.",
    ),
    "Feeling safe": (
        "general.safe",
        "Whether patients felt safe or unsafe, and why.",
    ),
    "Staff manner & personal attributes": (
        "staff.manner",
        "How staff treat patients and come across: friendly, kind, caring, polite, "
        "professional or rude, and whether people were treated with dignity and respect.",
    ),
    "Number & deployment of staff": (
        "staff.numbers",
        "How many staff there are, shortages, how busy staff are and how staff are deployed "
        "and recruited.",
    ),
    "Staff responsiveness": (
        "staff.responsive",
        "How willing and quick staff are to respond to patients' needs and requests, such as "
        "call bells.",
    ),
    "Competence & training": (
        "staff.competence",
        "Whether staff are competent, knowledgeable, qualified and well trained, and gaps in "
        "their training.",
    ),
    "Staff continuity": (
        "staff.continuity",
        "Seeing or not seeing the same staff throughout care, and how well staff hand over "
        "and talk to each other about a patient.",
    ),
    "Contacting services": (
        "access.contact",
        "How easy or hard it is to contact the service, by phone or otherwise, and to know how "
        "to reach it.",
    ),
    "Appointment arrangements": (
        "access.appointments",
        "How often appointments or visits happen, how long they last, punctuality, "
        "cancellations, and letters or messages about appointments.",
    ),
    "Appointment method": (
        "access.method",
        "Whether appointments are by video, telephone or face to face, and how patients feel "
        "about that.",
    ),
    "Timeliness of care": (
        "access.timeliness",
        "How quickly people are seen, treated or get help: waiting times, ambulance waits and "
        "delays to treatment.",
    ),
    "Unspecified communication": (
        "comms.unspecified",
        "Brief comments about communication that do not say what kind of communication.",
    ),
    "Staff listening, understanding & involving patients": (
        "comms.listening",
        "Whether staff listen to and understand patients, treat them as individuals, involve "
        "them in decisions and spend time talking with them.",
    ),
    "Information directly from staff during care": (
        "comms.explained",
        "Information given by staff in person during care: questions answered and things "
        "explained.",
    ),
    "Information provision & guidance": (
        "comms.guidance",
        "Advice and information patients can take away, such as leaflets, websites and "
        "education sessions.",
    ),
    "Being kept informed, clarity & consistency of information": (
        "comms.informed",
        "Whether people are kept informed about their care and whether what they are told is "
        "clear, consistent and borne out.",
    ),
    "Interaction with family/ carers": (
        "comms.family",
        "How the service involves and supports family and carers, and patients' contact with "
        "family and friends, including visiting.",
    ),
    "Diagnosis & triage": (
        "care.diagnosis",
        "Triage questions and decisions, diagnostic tests and assessments, and the diagnosis "
        "people were given.",
    ),
    "Referals & continuity of care": (
        "care.referrals",
        "Referrals and how services work together and pass people between them, including "
        "being lost in the system.",
    ),
    "Care plans": (
        "care.plans",
        "Whether patients have care or treatment plans and what they think of them.",
    ),
    "Discharge": (
        "care.discharge",
        "Being discharged or care ending: how quickly, whether people were ready, and the "
        "support put in place afterwards.",
    ),
    "Supplying & understanding medication": (
        "care.medication",
        "Getting medication and understanding it: prescriptions, missed doses, side effects "
        "and information about medicines.",
    ),
    "Cleanliness, tidiness & infection control": (
        "environment.clean",
        "How clean and tidy wards, rooms, toilets and equipment are, and infection control "
        "such as masks.",
    ),
    "Sensory experience": (
        "environment.sensory",
        "Noise, temperature, lighting and smell, and being able to sleep and rest.",
    ),
    "Environment & Facilities": (
        "environment.facilities",
        "The place itself: layout, comfort, privacy, decoration, upkeep, safety and facilities.",
    ),
    "Provision of medical equipment": (
        "environment.equipment",
        "Getting the medical supplies and equipment patients need, such as aids and "
        "dressings, and how quickly.",
    ),
    "Food & drink provision & facilities": (
        "environment.food",
        "Food and drink: quality, choice, portions and times, and kitchens, shops and vending "
        "machines.",
    ),
    "Service location": (
        "environment.location",
        "Where the service is, how far people travel, and finding the way there.",
    ),
    "Transport to/ from services": (
        "environment.transport",
        "Transport to and from services, such as patient transport, ambulances, taxis and "
        "public transport, and its comfort and arrangements.",
    ),
    "Activities & access to fresh air": (
        "environment.activities",
        "Non-medical activities such as exercise, games, music and art, and going outside for "
        "fresh air, walks or a cigarette.",
    ),
    "Electronic entertainment": (
        "environment.electronic",
        "Access to Wi-Fi, internet, TV, radio and other electronic entertainment.",
    ),
    "Mental Health Act": (
        "care.mha",
        "Care under the Mental Health Act: being detained, leave, restrictions and rules.",
    ),
}

GROUPS = {
    "general": "General",
    "staff": "Staff",
    "access": "Access to care",
    "comms": "Communication",
    "care": "Care and treatment",
    "environment": "Environment, equipment and catering",
}

TRUSTS = {
    "patientfeedback_nhft": (
        "NHFT",
        "Northamptonshire Healthcare NHS Foundation Trust (mental health, forensic and "
        "community services)",
    ),
    "patientfeedback_neas": (
        "NEAS",
        "North East Ambulance Service NHS Foundation Trust (111, emergency ambulance and "
        "patient transport)",
    ),
}


def yaml_str(s: str) -> str:
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def build(src: Path, folder: str) -> None:
    trust, label = TRUSTS[folder]
    with src.open(encoding="utf-8", newline="") as f:
        rows = [r for r in csv.DictReader(f) if r["Trust"] == trust]
    rows = [
        r
        for r in rows
        if len(r["FFT answer"].split()) >= MIN_WORDS and not r["Person identifiable info?"].strip()
    ]
    counts: dict[str, int] = defaultdict(int)
    for r in rows:
        for col in CODES:
            if r.get(col, "").strip() == "1":
                counts[col] += 1
    chosen = [c for c in CODES if counts[c] >= MIN_CODE]
    rng = random.Random(SEED)
    picked: dict[str, dict[str, str]] = {}
    seen_text: set[str] = set()
    for col in chosen:
        pool = [r for r in rows if r.get(col, "").strip() == "1"]
        rng.shuffle(pool)
        n = 0
        for r in pool:
            text = r["FFT answer"].strip()
            if r["Comment ID"] in picked or text.lower() in seen_text:
                continue
            picked[r["Comment ID"]] = r
            seen_text.add(text.lower())
            n += 1
            if n == PER_CODE:
                break
    out = HERE / folder
    out.mkdir(exist_ok=True)
    ids = sorted(picked)
    with (
        (out / "passages.csv").open("w", encoding="utf-8", newline="") as fp,
        (out / "gold.csv").open("w", encoding="utf-8", newline="") as fg,
    ):
        wp = csv.writer(fp, lineterminator="\n")
        wg = csv.writer(fg, lineterminator="\n")
        wp.writerow(["id", "text", "source_id", "question"])
        wg.writerow(["id", "code"])
        for i, cid in enumerate(ids, start=1):
            r = picked[cid]
            pid = f"c{i:03d}"
            wp.writerow([pid, r["FFT answer"].strip(), cid, " ".join(r["FFT question"].split())])
            for col in chosen:
                if r.get(col, "").strip() == "1":
                    wg.writerow([pid, CODES[col][0]])
    lines = [
        f"# Real evaluation set: patient feedback comments, {label}.",
        "# Sub-categories and labels: the Patient Experience Qualitative Data Categorisation",
        "# Framework (The Strategy Unit / NHS England); definitions shortened from the",
        "# framework's own descriptions. Built by build_patientfeedback.py.",
        "",
        f"name: Patient feedback ({trust})",
        "description: >-",
        "  Sub-categories of the NHS Patient Experience Qualitative Data Categorisation Framework",
        "  that the trust's labelled comments use at least twenty times.",
        "version: 1",
        "codes:",
    ]
    for group, gname in GROUPS.items():
        members = [c for c in chosen if CODES[c][0].startswith(group + ".")]
        if not members:
            continue
        lines += [f"  - id: {group}", f"    name: {gname}", "    codable: false", "    codes:"]
        for col in members:
            cid, definition = CODES[col]
            lines += [
                f"      - id: {cid}",
                f"        name: {yaml_str(col.replace('Referals', 'Referrals'))}",
                f"        definition: {yaml_str(definition)}",
            ]
    (out / "codebook.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(folder, len(chosen), "codes", len(ids), "passages")


def main() -> int:
    src = Path(sys.argv[1])
    for folder in TRUSTS:
        build(src, folder)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
