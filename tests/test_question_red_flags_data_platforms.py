"""Question red flags for the data-platforms area: a sentence proposing the scenario's own harm
raises that question's flag through the offline grader and caps the criterion it names, and a
sentence rejecting the same harm raises nothing. Every question in the area names one or two."""

from __future__ import annotations

import pytest

from tests.question_flags import (
    assert_area_flags,
    assert_flagged_and_capped,
    flags_raised,
    own_flags_raised,
)

AREA = "data-platforms"

# (question, flag, an answer proposing the harm, an answer rejecting it)
CASES = [
    ("data-wrong-revenue-incident", "revenue-fixed-quietly",
     "First I would quietly backfill the missing day from the source API and republish the "
     "dashboard. Then I would add a row-count check on the payments load.",
     "I would not quietly backfill the missing day: I would tell the CFO the figure was 8 "
     "percent low, backfill it, and add a row-count check on the payments load."),
    ("data-core-table-breaking-change", "orders-old-columns-dropped-blind",
     "We add the gross, tax and discount columns next to amount. I email the dashboard owners "
     "and if nobody replies we drop the old columns at the end of the month.",
     "We add the gross, tax and discount columns next to amount and read the query logs to "
     "find every reader, then retire amount only when the logs show nobody queries it."),
    ("data-event-pipeline-architecture", "pipeline-sdk-straight-to-warehouse",
     "To keep it simple the SDKs write directly to the warehouse in micro-batches, and the "
     "personalisation service reads from there.",
     "Every source writes into a durable log such as Kafka first; the warehouse loader and the "
     "personalisation service are two consumers of that log, and replay reads from it."),
    ("data-freshness-quality-monitoring", "freshness-same-threshold-everywhere",
     "I would set the same thresholds for every table: a freshness limit of two hours and "
     "a row-count tolerance of ten percent.",
     "I would start with the twenty tables behind the finance and growth dashboards, each with "
     "a freshness limit set from its own load schedule and owner."),
    ("data-event-property-rename", "rename-old-app-versions-forgotten",
     "We rename it in the next release and update the 40 dashboards on the same day.",
     "We send both plan and subscription_tier from the next release, keep mapping plan from "
     "older app versions for as long as they report, and move the 40 dashboards over."),
    ("data-metrics-layer-interface", "metrics-sql-emailed",
     "I would email the correct SQL for weekly active users to every analyst and ask them to "
     "use it in their dashboards.",
     "The definition lives once in the metrics layer, reviewed like code, and every dashboard "
     "and analyst queries it by name rather than pasting their own SQL."),
    ("data-realtime-vs-batch", "realtime-for-everything",
     "The growth team asked for it, so we make everything real time and add a second on-call "
     "rotation for the streaming jobs.",
     "I would ask which decisions would change with fresher data; for the one campaign budget "
     "dashboard that might justify streaming, and the rest stay hourly."),
    ("data-warehouse-workload-isolation", "isolation-analysts-banned",
     "From now on we ban ad hoc queries in the morning until the finance reports have finished.",
     "Finance reports get their own reserved compute with a priority queue, and analysts keep "
     "querying in the morning on a separate pool sized for ad hoc work."),
]

# good designs that use the flag's own words: none may sink the answer
MENTIONS = [
    ("data-event-pipeline-architecture", "pipeline-raw-events-not-kept",
     "Events stay in Kafka for a day for the streaming consumers, and a raw copy goes to object "
     "storage for two years so any new consumer can replay history."),
    ("data-sharing-product-pricing", "sharing-free-unchecked",
     "A basic tier is free for all customers, and heavier use is priced by the compute it "
     "costs us to serve."),
    ("data-self-serve-connectors", "connectors-no-owner",
     "Anyone can add any source from the catalogue, and each new source needs a named owner "
     "and a personal-data review before it lands."),
    ("data-different-customers", "customers-survey-only",
     "I would send out a survey and then sit with five people from each group while they work."),
]



@pytest.mark.parametrize(("question_id", "flag_id", "proposes", "rejects"), CASES,
                         ids=[c[1] for c in CASES])
def test_proposing_the_harm_raises_the_flag_and_caps_its_criterion(
        question_id: str, flag_id: str, proposes: str, rejects: str) -> None:
    assert_flagged_and_capped(question_id, flag_id, proposes)


@pytest.mark.parametrize(("question_id", "flag_id", "proposes", "rejects"), CASES,
                         ids=[c[1] for c in CASES])
def test_rejecting_the_harm_raises_nothing(question_id: str, flag_id: str, proposes: str,
                                           rejects: str) -> None:
    assert not own_flags_raised(question_id, rejects)


def test_every_question_in_the_area_names_one_or_two_flags_on_its_own_criteria() -> None:
    assert_area_flags(AREA)


@pytest.mark.parametrize(("question_id", "flag_id", "answer"), MENTIONS,
                         ids=[c[1] for c in MENTIONS])
def test_a_good_design_in_the_flags_words_raises_nothing(question_id: str, flag_id: str,
                                                         answer: str) -> None:
    assert flag_id not in flags_raised(question_id, answer)
