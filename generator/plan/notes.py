"""Notes: what the plan tells her (on her overview) and her coach (in ``postrun check``)
about its length, a pause, her goal and an unlogged caesarean healed date."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta

from ..models import Goal, Hold, Note, Profile, Protocol, Session, Stop
from .basics import long_date, words

GOAL_LONG_AFTER_WEEKS = 12
"""A goal more than this many weeks after she first reaches the last stage is "long after"."""


def longest_note(proto: Protocol, cap: date) -> Note:
    return Note(
        "longest",
        f"This plan reaches its longest allowed length ({proto.max_plan_weeks} weeks). "
        "Your coach will extend it.",
        f"her plan is cut at the longest allowed length ({proto.max_plan_weeks} weeks, "
        f"until {cap})",
        "goal",
        "raise max_plan_weeks in content/protocol.yaml if she needs longer",
        ("goal", "start_date", "clearance_date"),
    )


def caesarean_note(earliest: date) -> Note:
    return Note(
        "caesarean_healed",
        "",
        "a caesarean birth with no `injuries_healed_date`: impact work and harder "
        f"variants wait until her earliest run date ({earliest}) as if her wound healed "
        "then",
        "injuries_healed_date",
        "add `injuries_healed_date:` once her wound is signed off as healed",
        ("delivery",),
    )


def paused_note(
    profile: Profile, labels: Mapping[str, str], span: Hold | Stop, end: date
) -> Note:
    """Her plan stops a few weeks into an open hold or stop until her coach logs more."""
    said = words(labels.get(s, s) for s in span.symptoms)
    stem = profile.file.rsplit("/", 1)[-1].rsplit(".", 1)[0]
    if isinstance(span, Stop):
        client = (
            f"Running and impact work stopped after your check-in on "
            f"{long_date(span.start)} ({said}). Please see your GP or a pelvic-health "
            f"physiotherapist. Your plan stops on {long_date(end)}; your coach will "
            "extend it once you have been seen and are free of symptoms."
        )
        coach = (
            f"her running is stopped since the check-in of {span.start} ({said}); her plan "
            f"stops on {end}"
        )
    else:
        client = (
            f"Progression is on hold since your check-in on {long_date(span.start)} "
            f"({said}). The plan stops on {long_date(end)}; your coach will extend it once "
            "a check-in without symptoms is logged."
        )
        coach = (
            f"her progression is on hold since the check-in of {span.start} ({said}); her "
            f"plan stops on {end}"
        )
    return Note(
        "stopped" if isinstance(span, Stop) else "held",
        client,
        coach,
        "check_ins",
        "when she is free of symptoms, log a check-in with `symptoms: []` "
        f"(`postrun checkin {stem} --symptoms none`): the plan then goes on",
    )


def goal_notes(
    goal: Goal | None, stages: int, runs: list[Session], final_date: date | None
) -> list[Note]:
    """Her goal date too soon for the plan's last stage, or long after it."""
    if goal is None or goal.date is None:
        return []
    label = goal.label or "your goal"
    if final_date is None or goal.date < final_date:
        at_goal = [r for r in runs if r.date <= goal.date]
        if at_goal:
            where = f"stage {at_goal[-1].stage} of {stages} ({at_goal[-1].summary})"
            hers = f"By then you will be at {where}."
            coach_where = f"on the day she will be at stage {at_goal[-1].stage} of {stages}"
        else:
            hers = "By then you will not have started running yet."
            coach_where = "she will not have started running by then"
        expected = f" (at the earliest on {final_date})" if final_date else ""
        mine = f"; at the earliest on {long_date(final_date)}" if final_date else ""
        return [Note(
            "goal_too_soon",
            f"Your goal, {label} on {long_date(goal.date)}, comes before this plan reaches "
            f"its last stage{mine}. {hers} The plan will not rush you to meet it: talk to "
            "your coach about a later goal or a run/walk finish.",
            f"her goal, {goal.label} on {goal.date}, comes before her plan reaches its last "
            f"stage{expected}: {coach_where}",
            "goal",
            "the plan will not rush her: agree a later goal date with her, or a run/walk "
            "finish",
        )]
    if goal.date > final_date + timedelta(weeks=GOAL_LONG_AFTER_WEEKS):
        weeks = (goal.date - final_date).days // 7
        return [Note(
            "goal_long_after",
            f"Your goal, {label} on {long_date(goal.date)}, is {weeks} weeks after you first "
            f"reach the last stage ({long_date(final_date)}). Until then your plan keeps "
            "you at that stage; ask your coach how to build towards your goal.",
            f"her goal, {goal.label} on {goal.date}, comes {weeks} weeks after her plan "
            f"reaches its last stage ({final_date}); the plan keeps her at that stage until "
            "then",
            "goal",
            "plan with her how to build beyond the last stage, or set a nearer goal",
        )]
    return []
