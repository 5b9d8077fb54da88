"""Notes: what the plan tells her (on her overview) and her coach (in ``postrun check``)
about its length, a pause, her goal and an unlogged caesarean healed date."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta

from ..i18n import Words
from ..models import Goal, Hold, Note, Profile, Protocol, Session, Stop
from .basics import words

GOAL_LONG_AFTER_WEEKS = 12
"""A goal more than this many weeks after she first reaches the last stage is "long after"."""


def longest_note(proto: Protocol, cap: date, w: Words) -> Note:
    return Note(
        "longest",
        w.gettext(
            "This plan reaches its longest allowed length (%(weeks)s weeks). Your coach will "
            "extend it.",
            weeks=proto.max_plan_weeks,
        ),
        f"her plan is cut at the longest allowed length ({proto.max_plan_weeks} weeks, "
        f"until {cap})",
        "goal",
        "raise max_plan_weeks in content/protocol.yaml if she needs longer",
        ("goal", "start_date", "clearance_date"),
    )


def caesarean_note(earliest: date, readiness: date | None) -> Note:
    """For her coach: what the plan assumes of a caesarean wound with no healed date, and so
    when her readiness check (which waits for impact practice after healing) falls."""
    check = (f"; her readiness check is planned for {readiness}, after impact practice"
             if readiness is not None else "")
    return Note(
        "caesarean_healed",
        "",
        "a caesarean birth with no `injuries_healed_date`: impact work and harder "
        f"variants wait until her earliest run date ({earliest}) as if her wound healed "
        f"then{check}",
        "injuries_healed_date",
        "add `injuries_healed_date:` once her wound is signed off as healed",
        ("delivery",),
    )


def paused_note(
    profile: Profile, labels: Mapping[str, str], span: Hold | Stop, end: date, w: Words
) -> Note:
    """Her plan stops a few weeks into an open hold or stop until her coach logs more."""
    said = words(labels.get(s, s) for s in span.symptoms)
    hers = {
        "date": w.date(span.start, "date"),
        "symptoms": w.either([labels.get(s, s) for s in span.symptoms]),
        "end": w.date(end, "date"),
    }
    stem = profile.file.rsplit("/", 1)[-1].rsplit(".", 1)[0]
    if isinstance(span, Stop):
        client = w.gettext(
            "Running and impact work stopped after your check-in on %(date)s (%(symptoms)s). "
            "Please see your GP or a pelvic-health physiotherapist. Your plan stops on "
            "%(end)s; your coach will extend it once you have been seen and are free of "
            "symptoms.",
            **hers,
        )
        coach = (
            f"her running is stopped since the check-in of {span.start} ({said}); her plan "
            f"stops on {end}"
        )
    else:
        client = w.gettext(
            "Progression is on hold since your check-in on %(date)s (%(symptoms)s). The plan "
            "stops on %(end)s; your coach will extend it once a check-in without symptoms is "
            "logged.",
            **hers,
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
    goal: Goal | None, stages: int, runs: list[Session], final_date: date | None, w: Words
) -> list[Note]:
    """Her goal date too soon for the plan's last stage, or long after it."""
    if goal is None or goal.date is None:
        return []
    label = goal.label or w.gettext("your goal")
    if final_date is None or goal.date < final_date:
        at_goal = [r for r in runs if r.date <= goal.date]
        if at_goal:
            where = w.gettext(
                "stage %(stage)s of %(count)s (%(summary)s)",
                stage=at_goal[-1].stage, count=stages, summary=at_goal[-1].summary,
            )
            hers = w.gettext("By then you will be at %(where)s.", where=where)
            coach_where = f"on the day she will be at stage {at_goal[-1].stage} of {stages}"
        else:
            hers = w.gettext("By then you will not have started running yet.")
            coach_where = "she will not have started running by then"
        expected = f" (at the earliest on {final_date})" if final_date else ""
        when = w.date(goal.date, "date")
        if final_date:
            client = w.gettext(
                "Your goal, %(goal)s on %(date)s, comes before this plan reaches its last "
                "stage; at the earliest on %(final)s. %(then)s The plan will not rush you to "
                "meet it: talk to your coach about a later goal or a run/walk finish.",
                goal=label, date=when, final=w.date(final_date, "date"), then=hers,
            )
        else:
            client = w.gettext(
                "Your goal, %(goal)s on %(date)s, comes before this plan reaches its last "
                "stage. %(then)s The plan will not rush you to meet it: talk to your coach "
                "about a later goal or a run/walk finish.",
                goal=label, date=when, then=hers,
            )
        return [Note(
            "goal_too_soon",
            client,
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
            w.gettext(
                "Your goal, %(goal)s on %(date)s, is %(weeks)s weeks after you first reach the "
                "last stage (%(final)s). Until then your plan keeps you at that stage; ask your "
                "coach how to build towards your goal.",
                goal=label, date=w.date(goal.date, "date"), weeks=weeks,
                final=w.date(final_date, "date"),
            ),
            f"her goal, {goal.label} on {goal.date}, comes {weeks} weeks after her plan "
            f"reaches its last stage ({final_date}); the plan keeps her at that stage until "
            "then",
            "goal",
            "plan with her how to build beyond the last stage, or set a nearer goal",
        )]
    return []
