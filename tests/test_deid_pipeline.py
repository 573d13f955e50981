"""Propagation, pseudonyms, the key file, review/apply, manifests and the CLI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from qualkit.cli.deid import group
from qualkit.deid.analyzer import Detector
from qualkit.deid.anonymize import Pseudonymiser
from qualkit.deid.keyfile import KeyFileError, load_key, save_key
from qualkit.deid.lists import DeidLists, load_lists, save_lists
from qualkit.deid.manifest import build_manifest, load_manifest, manifest_allows, write_manifest
from qualkit.deid.pipeline import (
    apply,
    detect_files,
    detect_texts,
    load_detections,
    run,
    write_detections,
)
from qualkit.deid.spans import Detection, resolve_overlaps
from qualkit.errors import InputError

PASS = "a long test passphrase"

T1 = (
    "Interviewer: Tell me about your support.\n"
    "Participant: My worker Ondine Farrow was brilliant. ondine's the only one who rang back. "
    "Farrow got me into Pendlebury Lodge. My friend Big Dezzy came too.\n"
)
T2 = (
    "Interviewer: Who helped?\n"
    "Participant: Honestly, Ondine did. And Dezzy, he was always about. I live in hope.\n"
)


@pytest.fixture(scope="module")
def detector() -> Detector:
    return Detector()


def spans(text: str, dets: list[Detection]) -> list[str]:
    return [text[d.start : d.end] for d in dets]


# Propagation ----------------------------------------------------------------------------


def test_propagation_within_a_transcript(detector: Detector) -> None:
    got = spans(T1, detector.detect(T1))
    assert "Ondine Farrow" in got
    assert any(s.lower().startswith("ondine") for s in got if s != "Ondine Farrow")
    assert "Farrow" in got


def test_propagation_across_the_corpus(detector: Detector) -> None:
    dets = detector.detect_corpus({"a": T1, "b": T2})
    got_b = spans(T2, dets["b"])
    assert "Ondine" in got_b
    assert "Dezzy" in got_b
    assert all("hope" not in s for s in got_b)


def test_shortened_first_name_is_propagated(detector: Detector) -> None:
    text = "My keyworker Rosalind Vanderpoel was great. Ros always picked up the phone."
    got = spans(text, detector.detect(text))
    assert "Ros" in got


def test_word_like_names_propagate_only_as_names(detector: Detector) -> None:
    text = "My daughter Hope is nine. Hope loves school. I live in hope for her."
    dets = detector.detect(text)
    got = spans(text, dets)
    assert got.count("Hope") == 2
    assert "hope" not in got


def test_resolve_overlaps_prefers_validated_formats() -> None:
    text = "call 07700 900123 now"
    dets = [
        Detection(5, 17, "DATE_TIME", 0.85, "SpacyRecognizer", 38),
        Detection(5, 17, "PHONE_NUMBER", 0.9, "UkPhoneRecognizer", 10),
    ]
    out = resolve_overlaps(text, dets)
    assert [(d.type, d.start, d.end) for d in out] == [("PHONE_NUMBER", 5, 17)]


def test_resolve_overlaps_merges_same_type() -> None:
    text = "Big Mick Jones"
    dets = [Detection(0, 8, "PERSON"), Detection(4, 14, "PERSON")]
    assert [(d.start, d.end) for d in resolve_overlaps(text, dets)] == [(0, 14)]


# Pseudonyms -----------------------------------------------------------------------------


def test_consistent_pseudonyms_across_two_transcripts(detector: Detector) -> None:
    dets = detector.detect_corpus({"a": T1, "b": T2})
    pseudo = Pseudonymiser()
    out_a = pseudo.anonymize(T1, dets["a"])
    out_b = pseudo.anonymize(T2, dets["b"])
    label = pseudo.pseudonym("PERSON", "Ondine Farrow")
    assert label.startswith("[PERSON ")
    assert label in out_a and label in out_b
    assert "Ondine" not in out_a + out_b and "ondine" not in out_a
    assert "I live in hope" in out_b


def test_surrogate_names_are_stable() -> None:
    pseudo = Pseudonymiser(style="surrogate")
    first = pseudo.pseudonym("PERSON", "Ondine Farrow")
    assert not first.startswith("[")
    assert pseudo.pseudonym("PERSON", "ondine") == first
    assert pseudo.pseudonym("PERSON", "Farrow's") == first
    assert pseudo.pseudonym("PERSON", "Anselm Quell") != first
    assert pseudo.pseudonym("LOCATION", "Quarry Mead").startswith("[LOCATION ")


def test_possessive_kept_in_replacement() -> None:
    pseudo = Pseudonymiser()
    text = "I went to Dezzy's flat."
    out = pseudo.anonymize(text, [Detection(10, 17, "PERSON")])
    assert out == "I went to [PERSON 1]'s flat."


# Key file -------------------------------------------------------------------------------


def test_key_file_round_trip_and_wrong_passphrase(tmp_path: Path) -> None:
    pseudo = Pseudonymiser()
    pseudo.pseudonym("PERSON", "Ondine Farrow")
    pseudo.pseudonym("PHONE_NUMBER", "07700 900123")
    key = tmp_path / "study.qkey"
    save_key(key, pseudo.mapping, PASS)
    raw = key.read_bytes()
    assert b"Ondine" not in raw and b"07700" not in raw
    assert oct(key.stat().st_mode & 0o777) == "0o600"
    loaded = load_key(key, PASS)
    assert loaded.to_dict() == pseudo.mapping.to_dict()
    with pytest.raises(KeyFileError) as err:
        load_key(key, "not the passphrase")
    assert "wrong passphrase" in str(err.value)
    assert "Ondine" not in str(err.value)


def test_key_file_damaged(tmp_path: Path) -> None:
    key = tmp_path / "k.qkey"
    key.write_text("{not json")
    with pytest.raises(KeyFileError):
        load_key(key, PASS)


def test_extending_a_corpus_keeps_numbers(tmp_path: Path) -> None:
    first = Pseudonymiser()
    label = first.pseudonym("PERSON", "Ondine Farrow")
    save_key(tmp_path / "k", first.mapping, PASS)
    later = Pseudonymiser(load_key(tmp_path / "k", PASS))
    assert later.pseudonym("PERSON", "Anselm Quell") != label
    assert later.pseudonym("PERSON", "ONDINE FARROW") == label


# Lists ----------------------------------------------------------------------------------


def test_lists_round_trip_and_validation(tmp_path: Path) -> None:
    lists = DeidLists(deny={"PERSON": ["Ondine Farrow"]}, allow=["Ravenholt"])
    for name in ("lists.yaml", "lists.json"):
        save_lists(lists, tmp_path / name)
        back = load_lists(tmp_path / name)
        assert back.deny == lists.deny and back.allow == lists.allow
    bad = tmp_path / "bad.yaml"
    bad.write_text("format: deid-lists\ndeny:\n  NAMES: [x]\n")
    with pytest.raises(InputError, match="unknown entity type"):
        load_lists(bad)


# Detect JSON ----------------------------------------------------------------------------


def test_detect_json_uses_code_point_offsets(tmp_path: Path) -> None:
    src = tmp_path / "t07.txt"
    text = "Participant: Café owner Zoë said ring Okereke on 07700 900123.\n"
    src.write_text(text, encoding="utf-8")
    out = tmp_path / "detections.json"
    detect_files([src], out)
    data = json.loads(out.read_text(encoding="utf-8"))
    assert list(data) == ["t07"]
    items = data["t07"]
    assert all(set(d) == {"start", "end", "type", "score"} for d in items)
    phone = next(d for d in items if d["type"] == "PHONE_NUMBER")
    assert text[phone["start"] : phone["end"]] == "07700 900123"
    assert any(text[d["start"] : d["end"]] == "Okereke" for d in items)
    assert load_detections(out)["t07"][0].start == items[0]["start"]
    assert not any(p.name.endswith(".parts") for p in tmp_path.iterdir())


def test_detection_resumes_from_cache(tmp_path: Path) -> None:
    texts = {"a": T1, "b": T2}
    cache = tmp_path / "cache"
    first = detect_texts(texts, cache_dir=cache)
    assert sorted(p.stem for p in cache.glob("*.json")) == ["a", "b"]
    # A poisoned cache entry with the right hash is trusted: proof the cache is used.
    entry = json.loads((cache / "a.json").read_text())
    entry["detections"] = []
    (cache / "a.json").write_text(json.dumps(entry))
    second = detect_texts(texts, cache_dir=cache, config=None)
    assert first["b"] == second["b"]
    assert len(second["a"]) < len(first["a"])


def test_write_detections_is_atomic(tmp_path: Path) -> None:
    out = tmp_path / "d.json"
    write_detections(out, {"t01": [Detection(0, 4, "PERSON", 0.5)]})
    assert [p.name for p in tmp_path.iterdir()] == ["d.json"]


# Review and apply -----------------------------------------------------------------------


def _raw_files(tmp_path: Path) -> list[Path]:
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "t01.txt").write_text(T1, encoding="utf-8")
    (raw / "t02.txt").write_text(T2, encoding="utf-8")
    return [raw / "t01.txt", raw / "t02.txt"]


def test_review_apply_round_trip(tmp_path: Path) -> None:
    files = _raw_files(tmp_path)
    out, key = tmp_path / "out", tmp_path / "study.qkey"
    summary = run(files, out, key, PASS)
    assert summary.transcripts == 2
    review = json.loads((out / "t01.review.json").read_text())
    assert review["text"] == T1
    first = review["detections"][0]
    assert {"type", "score", "recognizer", "context", "replacement", "decision"} <= set(first)
    proposed = (out / "t02.proposed.txt").read_text()
    assert "Ondine" not in proposed

    # The researcher rejects one detection and adds a missed word.
    target = next(d for d in review["detections"] if d["text"] == "Pendlebury Lodge")
    target["decision"] = "reject"
    review["add"].append({"text": "rang back", "type": "ORGANIZATION"})
    (out / "t01.review.json").write_text(json.dumps(review))

    result = apply(out, key, PASS)
    final = (out / "release" / "t01.txt").read_text()
    assert "Pendlebury Lodge" in final
    assert "rang back" not in final
    assert "Ondine" not in final and "Farrow" not in final
    manifest = load_manifest(out / "release" / "manifest.json")
    assert {e.file for e in manifest.entries} == {"t01.txt", "t02.txt"}
    assert all(manifest_allows(manifest, out / "release" / e.file) for e in manifest.entries)
    manifest_text = (out / "release" / "manifest.json").read_text()
    assert "Ondine" not in manifest_text and "Farrow" not in manifest_text
    assert result.rejected == 1 and result.added == 1


def test_apply_rejects_edited_text(tmp_path: Path) -> None:
    files = _raw_files(tmp_path)
    out, key = tmp_path / "out", tmp_path / "k"
    run(files, out, key, PASS)
    review = json.loads((out / "t01.review.json").read_text())
    review["text"] = review["text"].replace("brilliant", "great")
    (out / "t01.review.json").write_text(json.dumps(review))
    with pytest.raises(InputError) as err:
        apply(out, key, PASS)
    assert "Ondine" not in str(err.value)


def test_manifest_hash_check(tmp_path: Path) -> None:
    f = tmp_path / "t01.txt"
    f.write_text("de-identified text\n")
    write_manifest(build_manifest([(f, "t01.docx")]), tmp_path / "manifest.json")
    manifest = load_manifest(tmp_path / "manifest.json")
    assert manifest.entries[0].source == "t01.docx"
    assert manifest_allows(manifest, f)
    f.write_text("de-identified text, then edited\n")
    assert not manifest_allows(manifest, f)
    assert not manifest_allows(manifest, tmp_path / "other.txt")


def test_manifest_errors_name_the_file(tmp_path: Path) -> None:
    p = tmp_path / "m.json"
    p.write_text("[]")
    with pytest.raises(InputError, match=r"m\.json"):
        load_manifest(p)


# CLI ------------------------------------------------------------------------------------


def test_cli_run_apply_and_wrong_passphrase(tmp_path: Path) -> None:
    files = _raw_files(tmp_path)
    runner = CliRunner()
    out, key = tmp_path / "out", tmp_path / "k.qkey"
    env = {"QUALKIT_DEID_PASSPHRASE": PASS}
    args = ["run", *map(str, files), "--out", str(out), "--key", str(key), "--no-progress"]
    res = runner.invoke(group, args, env=env)
    assert res.exit_code == 0, res.output
    res = runner.invoke(group, ["apply", str(out), "--key", str(key)], env=env)
    assert res.exit_code == 0, res.output
    assert (out / "release" / "manifest.json").is_file()
    bad = runner.invoke(
        group,
        ["apply", str(out), "--key", str(key)],
        env={"QUALKIT_DEID_PASSPHRASE": "nope"},
    )
    assert bad.exit_code == 1
    assert bad.output.startswith("Error: ") and "wrong passphrase" in bad.output
    assert "Traceback" not in bad.output and "Ondine" not in bad.output


def test_cli_detect(tmp_path: Path) -> None:
    files = _raw_files(tmp_path)
    out = tmp_path / "det.json"
    res = CliRunner().invoke(
        group, ["detect", *map(str, files), "--out", str(out), "--no-progress"]
    )
    assert res.exit_code == 0, res.output
    assert set(json.loads(out.read_text())) == {"t01", "t02"}


@pytest.mark.slow
def test_two_processes_give_the_same_detections(tmp_path: Path) -> None:
    texts = {f"t{i}": (T1 if i % 2 else T2) + f"Line {i}.\n" for i in range(4)}
    one = detect_texts(texts, processes=1)
    two = detect_texts(texts, processes=2)
    assert one == two


def test_second_batch_reuses_key_and_masks_known_values(tmp_path: Path) -> None:
    files = _raw_files(tmp_path)
    key = tmp_path / "k.qkey"
    run(files[:1], tmp_path / "out1", key, PASS)
    label = load_key(key, PASS).entries["PERSON"]["ondine farrow"]["label"]
    later = tmp_path / "raw" / "t03.txt"
    later.write_text("Participant: we still talk about ondine, even now.\n", encoding="utf-8")
    run([later], tmp_path / "out2", key, PASS)
    proposed = (tmp_path / "out2" / "t03.proposed.txt").read_text()
    assert "ondine" not in proposed.lower()
    assert label in proposed


def test_cli_lists_template(tmp_path: Path) -> None:
    target = tmp_path / "deid-lists.yaml"
    res = CliRunner().invoke(group, ["lists-template", str(target)])
    assert res.exit_code == 0, res.output
    assert load_lists(target).deny == {"LOCATION": [], "ORGANIZATION": [], "PERSON": []}
    again = CliRunner().invoke(group, ["lists-template", str(target)])
    assert again.exit_code == 1
    assert again.output == f"Error: {target}: already exists\n"


def test_languages_laws_and_allowed_names_with_a_possessive_are_left(detector: Detector) -> None:
    text = (
        "Interpreter: He says yes. [speaks Tigrinya]\nParticipant: Universal Credit's "
        "online now, and the Modern Slavery Act 2015 helped. Dr Mensah at the surgery, "
        "Shona and Mr French, they all know.\n"
    )
    masked = spans(text, detector.detect(text))
    for word in ("Interpreter", "Tigrinya", "Universal Credit's", "Modern Slavery Act 2015"):
        assert not any(word in m for m in masked), masked
    assert "Mensah" in masked and "Dr Mensah" not in masked
    assert any("Shona" in m for m in masked) and any("French" in m for m in masked)
