"""The tracker's rules with literal reads: which frames are one vehicle pass, and what the pass votes."""

from __future__ import annotations

import pytest

from platewatch.engine.types import Box, Candidate, PlateRead
from platewatch.unit.tracker import FrameRead, PlateTracker, TrackerConfig, similar_text, vote


def read(
    text: str,
    box: Box = (100, 100, 200, 150),
    conf: float = 0.9,
    cands: tuple[tuple[str, float], ...] | None = None,
    state: str | None = None,
    state_conf: float | None = None,
    found: float = 0.6,
) -> PlateRead:
    """A frame read; `found` is the detector's score: a plate found, not plainly (under `found_plainly`)."""
    candidates = tuple(Candidate(t, c) for t, c in (cands or ((text, conf),)))
    return PlateRead(text, conf, box, found, tuple(conf for _ in text), candidates, state, state_conf)


def moved(box: Box, dx: float, dy: float = 0.0, grow: float = 0.0) -> Box:
    return (box[0] + dx - grow, box[1] + dy - grow / 2, box[2] + dx + grow, box[3] + dy + grow / 2)


def test_similar_text() -> None:
    assert similar_text("ABC123", "ABC123")
    assert similar_text("ABC123", "ABC12")  # an end character lost
    assert similar_text("ABC123", "A8C1Z3")  # B/8 and 2/Z are look-alikes
    assert similar_text("ABC123", "ABX123")
    assert similar_text("ABC123", "ABX12")  # two edits, both long enough
    assert similar_text("D806", "CD8065")  # both ends lost
    assert not similar_text("AB1", "XY1")
    assert not similar_text("AB", "AB12")  # too short to say
    assert not similar_text("ABC123", "XYZ123")
    assert not similar_text("ABC123", "XYZ789")


def test_vote_sums_probability_over_frames() -> None:
    first = read("ABC123", conf=0.6, cands=(("ABC123", 0.6), ("A8C123", 0.3)), state="CT", state_conf=0.9)
    second = read("A8C123", conf=0.5, cands=(("A8C123", 0.5), ("ABC123", 0.4)), state="NY", state_conf=0.5)
    third = read("ABC123", conf=0.8, cands=(("ABC123", 0.8),), state="CT", state_conf=0.7)
    frames = [FrameRead(0, 0.0, first), FrameRead(1, 100.0, second), FrameRead(2, 200.0, third)]
    p = vote(frames)
    assert p.text == "ABC123"
    assert p.confidence == pytest.approx((0.6 + 0.4 + 0.8) / 3)
    assert [c.text for c in p.candidates] == ["ABC123", "A8C123"]
    assert p.candidates[1].confidence == pytest.approx(round(0.8 / 3, 4))
    assert (p.state, p.state_confidence) == ("CT", pytest.approx(1.6 / 3))
    assert p.best.frame == 2  # the most confident frame that reads the voted text
    assert p.char_confidences == (0.8,) * 6
    assert [f.frame for f in p.frames] == [0, 1, 2]


def test_vote_outvotes_a_confident_misread() -> None:
    frames = [
        FrameRead(0, 0.0, read("7XK42L", conf=0.95)),
        FrameRead(1, 100.0, read("7XK421", conf=0.55, cands=(("7XK421", 0.55), ("7XK42L", 0.3)))),
        FrameRead(2, 200.0, read("7XK421", conf=0.6, cands=(("7XK421", 0.6), ("7XK42L", 0.2)))),
        FrameRead(3, 300.0, read("7XK421", conf=0.5)),
    ]
    p = vote(frames)
    assert p.text == "7XK421"
    assert p.best.frame == 2
    assert p.state is None and p.state_confidence is None


def test_vote_breaks_a_lookalike_tie_by_the_frames_that_ranked_first() -> None:
    # The syntax prior gives O/0 readings one shared probability; its ranking is in the candidates' order.
    frames = [
        FrameRead(0, 0.0, read("AB0123", conf=0.7, cands=(("AB0123", 0.7), ("ABO123", 0.7)))),
        FrameRead(1, 100.0, read("AB0123", conf=0.6, cands=(("AB0123", 0.6), ("ABO123", 0.6)))),
        FrameRead(2, 200.0, read("ABO123", conf=0.5, cands=(("ABO123", 0.5), ("AB0123", 0.5)))),
    ]
    assert vote(frames).text == "AB0123"


def test_vote_without_a_winning_frame_spreads_its_confidence() -> None:
    frames = [
        FrameRead(0, 0.0, read("XY12", conf=0.5, cands=(("XY12", 0.5), ("XY123", 0.45)))),
        FrameRead(1, 100.0, read("XY1234", conf=0.5, cands=(("XY1234", 0.5), ("XY123", 0.45)))),
    ]
    p = vote(frames)
    assert p.text == "XY123"
    assert p.best.frame == 0  # no frame read it first: the most confident frame
    assert p.char_confidences == pytest.approx((0.45 ** (1 / 5),) * 5)


def test_vote_needs_a_frame() -> None:
    with pytest.raises(ValueError, match="at least one frame"):
        vote([])


def test_a_moving_plate_is_one_pass_ended_after_it_leaves() -> None:
    tracker = PlateTracker(TrackerConfig(max_missed=2, max_gap_ms=200.0, max_lost_ms=200.0))
    box: Box = (100, 300, 160, 330)
    texts = ["KT4410", "KT441", "KT4410", "KT4410", "KT441O"]
    for i, text in enumerate(texts):
        # moving 70 px a frame and growing: no overlap with the last box, but the reading is close by
        assert tracker.update(i, i * 100.0, [read(text, box)]) == []
        box = moved(box, 70, 15, grow=6)
    assert tracker.update(5, 500.0, []) == []  # missing once: the pass stays open
    ended = tracker.update(6, 600.0, [])
    assert len(ended) == 1
    assert ended[0].text == "KT4410"
    assert [f.frame for f in ended[0].frames] == [0, 1, 2, 3, 4]
    assert tracker.flush() == []


def test_a_misread_frame_stays_in_the_pass_by_its_box() -> None:
    tracker = PlateTracker()
    box: Box = (400, 300, 520, 360)
    for i, text in enumerate(["5MX221", "SNXZ", "5MX221"]):
        tracker.update(i, i * 40.0, [read(text, moved(box, 5 * i))])
    (p,) = tracker.flush()
    assert p.text == "5MX221" and len(p.frames) == 3


def test_two_plates_in_one_frame_are_two_passes() -> None:
    tracker = PlateTracker()
    left: Box = (100, 400, 220, 460)
    right: Box = (700, 420, 820, 480)
    for i in range(4):
        reads = [read("AAA111", moved(left, 10 * i)), read("AAA112", moved(right, -10 * i))]
        tracker.update(i, i * 40.0, reads)
    passes = tracker.flush()
    assert sorted(p.text for p in passes) == ["AAA111", "AAA112"]
    assert all(len(p.frames) == 4 for p in passes)


def test_a_different_plate_far_away_starts_its_own_pass() -> None:
    tracker = PlateTracker()
    tracker.update(0, 0.0, [read("JJ2040", (100, 100, 200, 150))])
    tracker.update(1, 40.0, [read("JJ2040", (110, 100, 210, 150)), read("QQ7777", (900, 500, 1000, 550))])
    passes = tracker.flush()
    assert [p.text for p in passes] == ["JJ2040", "QQ7777"]  # oldest first
    assert [len(p.frames) for p in passes] == [2, 1]


def test_a_read_too_faint_to_read_joins_no_pass_and_starts_none() -> None:
    # Rule KEEP-2: the still pipeline reports a found plate it cannot read (under 0.05); on a camera such frame reads
    # would count 0 in their pass's mean and keep a far car's pass from being reported.
    tracker = PlateTracker()
    box: Box = (400, 300, 520, 360)
    for i in range(4):
        tracker.update(i, i * 40.0, [read("4RL", moved(box, 5 * i), 0.02), read("7KD4821", moved(box, 5 * i), 0.6)])
        assert tracker.placed[0] is None and tracker.placed[1] is not None
    tracker.update(4, 160.0, [read("QQ", (900, 500, 1000, 550), 0.049)])
    assert tracker.placed == (None,)
    (p,) = tracker.flush()
    assert p.text == "7KD4821" and len(p.frames) == 4 and p.confidence == pytest.approx(0.6)
    edge = PlateTracker(TrackerConfig(min_read_confidence=0.02))  # at the floor a read is tracked
    edge.update(0, 0.0, [read("4RL", box, 0.02)])
    assert edge.placed[0] is not None


def test_a_plate_that_comes_back_after_it_was_lost_too_long_is_a_new_pass() -> None:
    tracker = PlateTracker(TrackerConfig(max_missed=2, max_gap_ms=200.0, max_lost_ms=1000.0))
    tracker.update(0, 0.0, [read("CT0001")])
    ended = [p for i in range(1, 11) for p in tracker.update(i, i * 100.0, [])]
    assert [(p.text, p.frames[-1].ms) for p in ended] == [("CT0001", 0.0)]  # ended when missing for 1000 ms
    tracker.update(11, 1100.0, [read("CT0001")])
    (again,) = tracker.flush()
    assert [f.frame for f in again.frames] == [11]


def test_a_fast_plate_with_an_unsure_misread_stays_one_pass() -> None:
    tracker = PlateTracker()
    box: Box = (400, 250, 460, 280)
    texts = [("M4REAL", 0.85), ("4RLAL", 0.19), ("IM4REAL", 0.7), ("IM4REAL", 0.9)]
    for i, (text, conf) in enumerate(texts):
        tracker.update(i, i * 100.0, [read(text, box, conf)])
        box = moved(box, -35, 33, grow=8)  # a plate's height down each frame: no overlap with the last box
    (p,) = tracker.flush()
    assert p.text == "IM4REAL" and len(p.frames) == 4


def test_two_sure_readings_of_different_plates_are_not_merged() -> None:
    tracker = PlateTracker()
    tracker.update(0, 0.0, [read("JJ2040", (100, 100, 200, 150), 0.95)])
    # the next car's plate, close by where the first was expected, read with confidence: another vehicle
    tracker.update(1, 100.0, [read("QQ7777", (230, 110, 330, 160), 0.9)])
    assert [p.text for p in tracker.flush()] == ["JJ2040", "QQ7777"]


def test_passes_too_unsure_to_report_are_dropped() -> None:
    tracker = PlateTracker(TrackerConfig(min_confidence=0.2))
    for i in range(3):
        tracker.update(
            i,
            i * 100.0,
            [read("FUA", (760, 110, 1020, 180), 0.08), read("6725SC", moved((600, 400, 700, 450), 10 * i))],
        )
    assert [p.text for p in tracker.flush()] == ["6725SC"]


def test_text_the_detector_never_scored_plainly_as_a_plate_makes_no_pass() -> None:
    tracker = PlateTracker(TrackerConfig(min_peak_detection=0.5))
    wall, plate = (760, 110, 1020, 180), (600, 400, 700, 450)
    for i in range(6):  # a sign's word read surely in every frame, each found at the detector's threshold
        far = 0.35 if i < 5 else 0.62  # a far plate found faintly, then plainly as it comes close
        tracker.update(
            i, i * 100.0, [read("BUTTER", wall, 0.8, found=0.49), read("6725SC", moved(plate, 9 * i), found=far)]
        )
    assert [p.text for p in tracker.flush()] == ["6725SC"]
    alerted = PlateTracker(TrackerConfig(min_peak_detection=0.5))
    alerted.update(0, 0.0, [read("BUTTER", wall, 0.8, found=0.35)])
    alerted.keep(alerted.placed[0])  # the officer was alerted on it: its read is the alert's, so it is reported
    assert [p.text for p in alerted.flush()] == ["BUTTER"]


def test_a_plate_found_plainly_in_half_its_frames_is_reported_however_unsure_its_reading() -> None:
    plate = (600, 400, 660, 420)
    texts = ["SHP", "SHPT", "SHPI", "SHP1", "SHPS1", "SHP81"]  # a small plate read differently in each frame

    def passes(found: list[float]) -> list[tuple[str, bool]]:
        tracker = PlateTracker(TrackerConfig(found_plainly=0.75, support_frames=3))
        for i, (text, score) in enumerate(zip(texts, found, strict=True)):
            tracker.update(i, i * 66.7, [read(text, moved(plate, 4 * i), 0.12, found=score)])
        return [(p.text, p.found_only) for p in tracker.flush()]

    (found_only,) = passes([0.8, 0.9, 0.6, 0.75, 0.5, 0.6])  # plainly a plate in 3 of its 6 frames
    assert found_only[1] is True and found_only[0] in texts
    assert passes([0.8, 0.9, 0.6, 0.7, 0.5, 0.6]) == []  # in 2: not reported
    tracker = PlateTracker(TrackerConfig(found_plainly=0.75))
    for i in range(4):  # a sign's word is not reported, however plainly found
        tracker.update(i, i * 66.7, [read("ONLY", moved(plate, 4 * i), 0.1, found=0.9)])
    assert tracker.flush() == []
    sure = PlateTracker(TrackerConfig(found_plainly=0.75))
    for i in range(4):  # a reading sure enough is reported on its own, not as a plate only found
        sure.update(i, i * 66.7, [read("SHP1561", moved(plate, 4 * i), 0.9, found=0.9)])
    assert [(p.text, p.found_only) for p in sure.flush()] == [("SHP1561", False)]


def test_a_blink_at_thirty_frames_a_second_does_not_end_a_pass() -> None:
    tracker = PlateTracker(TrackerConfig(max_missed=3, max_gap_ms=300.0))
    frame_ms = 1000 / 30
    tracker.update(0, 0.0, [read("8TRK455")])
    for i in range(1, 6):  # five frames (167 ms) without it
        assert tracker.update(i, i * frame_ms, []) == []
    tracker.update(6, 6 * frame_ms, [read("8TRK455")])
    ended = [p for i in range(7, 47) for p in tracker.update(i, i * frame_ms, [])]
    assert [(p.text, len(p.frames)) for p in ended] == [("8TRK455", 2)]
    assert ended[0].frames[-1].frame == 6


def test_a_sure_reading_of_another_plate_does_not_join_an_unsure_pass() -> None:
    tracker = PlateTracker()
    tracker.update(0, 0.0, [read("X4L", (100, 100, 200, 150), 0.3)])  # a poor first look at some plate
    tracker.update(1, 100.0, [read("KT4410", (230, 110, 330, 160), 0.9)])  # near it, but read surely and unlike
    assert sorted(len(p.frames) for p in tracker.flush()) == [1, 1]


def test_each_read_is_placed_in_its_pass_and_the_pass_carries_that_id() -> None:
    tracker = PlateTracker()
    left: Box = (100, 400, 220, 460)
    right: Box = (700, 420, 820, 480)
    placements = []
    for i in range(3):
        tracker.update(i, i * 40.0, [read("AAA111", moved(left, 10 * i)), read("AAA112", moved(right, -10 * i))])
        placements.append(tracker.placed)
    assert placements[0] == placements[1] == placements[2]  # each plate stays in its pass
    assert len(set(placements[0])) == 2
    ids = {p.text: p.pass_id for p in tracker.flush()}
    assert (ids["AAA111"], ids["AAA112"]) == placements[0]
    tracker.update(9, 9000.0, [])
    assert tracker.placed == ()


def test_a_pass_the_officer_was_alerted_on_is_reported_however_unsure_its_vote() -> None:
    tracker = PlateTracker(TrackerConfig(min_confidence=0.2))
    sign, plate = (760, 110, 1020, 180), (600, 400, 700, 450)
    tracker.update(0, 0.0, [read("FUA", sign, 0.08), read("6725SC", plate)])
    unsure_pass = tracker.placed[0]
    tracker.keep(unsure_pass)
    tracker.update(1, 100.0, [read("FUA", sign, 0.08), read("6725SC", moved(plate, 10))])
    assert sorted(p.text for p in tracker.flush()) == ["6725SC", "FUA"]


def test_a_plate_missing_for_five_frames_at_fifteen_a_second_stays_one_pass() -> None:
    tracker = PlateTracker()
    frame_ms = 1000 / 15
    box: Box = (400, 300, 480, 340)
    ended = []
    for i in range(13):
        seen = i < 5 or i >= 10  # lost in frames 5-9 (333 ms: a passing car hides it)
        text = "KT4410" if i != 11 else "KT441O"
        ended += tracker.update(i, i * frame_ms, [read(text, moved(box, 12 * i, 4 * i, grow=2 * i))] if seen else [])
    ended += tracker.flush()
    assert [(p.text, len(p.frames)) for p in ended] == [("KT4410", 8)]


def test_another_car_where_a_lost_plate_was_starts_its_own_pass() -> None:
    tracker = PlateTracker()
    frame_ms = 1000 / 15
    box: Box = (400, 300, 480, 340)
    for i in range(4):
        tracker.update(i, i * frame_ms, [read("JJ2040", box)])
    for i in range(4, 9):
        tracker.update(i, i * frame_ms, [])  # 333 ms without it: longer than a blink
    # the next car's plate on the very spot, read unsurely or surely but otherwise: not the lost pass
    tracker.update(9, 9 * frame_ms, [read("QQ7777", box, 0.3)])
    tracker.update(10, 10 * frame_ms, [read("QQ7777", box, 0.9)])
    assert [(p.text, len(p.frames)) for p in tracker.flush()] == [("JJ2040", 4), ("QQ7777", 2)]


def test_within_a_blink_an_unsure_misread_still_joins() -> None:
    tracker = PlateTracker()
    box: Box = (400, 300, 480, 340)
    tracker.update(0, 0.0, [read("JJ2040", box)])
    tracker.update(1, 33.0, [])
    tracker.update(2, 67.0, [read("XX1", box, 0.3)])
    assert [len(p.frames) for p in tracker.flush()] == [2]


def test_vote_confidence_is_over_the_frames_that_listed_the_reading() -> None:
    frames = [
        FrameRead(0, 0.0, read("ABC12", conf=0.3)),  # a far, poor look that did not list the whole plate
        FrameRead(1, 100.0, read("ABC12", conf=0.3)),
        FrameRead(2, 200.0, read("ABC123", conf=0.8)),
        FrameRead(3, 300.0, read("ABC123", conf=0.8)),
    ]
    p = vote(frames)
    assert p.text == "ABC123"
    assert p.confidence == pytest.approx(0.8)  # not 0.4: the far frames did not see it
    assert p.support == 2
    assert [(c.text, c.confidence) for c in p.candidates] == [("ABC123", 0.8), ("ABC12", 0.3)]


def test_a_reading_listed_at_a_low_probability_in_many_frames_is_reported() -> None:
    tracker = PlateTracker(TrackerConfig(min_confidence=0.2))
    box: Box = (400, 300, 480, 340)
    for i in range(10):
        tracker.update(i, i * 66.7, [read("6MXR221", moved(box, 4 * i), 0.19)])
    (p,) = tracker.flush()
    assert (p.text, p.confidence) == ("6MXR221", pytest.approx(0.19))


def test_a_reading_only_one_frame_of_a_long_pass_listed_is_not_reported() -> None:
    tracker = PlateTracker(TrackerConfig(min_confidence=0.2))
    box: Box = (400, 300, 480, 340)
    for i, (text, conf) in enumerate([("X1", 0.45), ("Y72", 0.3), ("Z3", 0.3), ("W48", 0.3), ("V5", 0.3)]):
        tracker.update(i, i * 66.7, [read(text, moved(box, 4 * i), conf)])  # one box, a different guess each time
    assert tracker.flush() == []


def test_two_frames_at_a_low_probability_are_not_reported() -> None:
    tracker = PlateTracker(TrackerConfig(min_confidence=0.2))
    for i in range(2):
        tracker.update(i, i * 66.7, [read("FUA7", conf=0.15)])
    assert tracker.flush() == []


def test_sign_words_and_date_stamps_are_not_reported_unless_kept() -> None:
    tracker = PlateTracker()
    marking, stamp, plate, sign = (500, 600, 640, 650), (950, 680, 1250, 710), (400, 300, 480, 340), (50, 50, 250, 100)
    for i in range(3):
        reads = [read("ONLY", marking, 0.96), read("20140513", stamp, 0.9), read("7XK421", moved(plate, 5 * i))]
        reads.append(read("N0TCE", sign, 0.9))
        tracker.update(i, i * 66.7, reads)
        if i == 0:
            tracker.keep(tracker.placed[3])  # the officer was alerted on the sign's reading: it is reported
    assert sorted(p.text for p in tracker.flush()) == ["7XK421", "N0TCE"]


def test_a_clock_burned_into_the_video_is_not_reported() -> None:
    tracker = PlateTracker(TrackerConfig(min_confidence=0.2))
    stamp: Box = (950, 680, 1100, 710)
    for i in range(8):  # the seconds change each frame: each reading is sure, and listed once
        tracker.update(i, i * 66.7, [read(f"17420{i}", stamp, 0.95)])
    assert tracker.flush() == []


def test_a_fast_approaching_plate_lost_for_five_frames_is_found_where_it_has_grown_to() -> None:
    tracker = PlateTracker()
    frame_ms = 1000 / 15
    ended = []
    for i in range(12):
        width = 60 * 1.25**i  # a quarter wider each frame: a car closing in fast
        cx, cy = 600 + 10 * i, 400 + 8 * i
        box: Box = (cx - width / 2, cy - width / 4, cx + width / 2, cy + width / 4)
        seen = i < 5 or i >= 10
        ended += tracker.update(i, i * frame_ms, [read("8TRK455", box)] if seen else [])
    ended += tracker.flush()
    assert [(p.text, len(p.frames)) for p in ended] == [("8TRK455", 7)]
