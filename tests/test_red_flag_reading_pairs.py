"""Every red-flag reading pair in one place: (question, flag, words that are no plan, the same
harm as the candidate's plan). The words that are no plan raise nothing; the plan still raises
the flag, so a reading never buys precision by losing the harm it sits beside. The pairs live
with the round that found them (the readings test files)."""

from __future__ import annotations

import pytest

from tests.question_flags import flags_raised
from tests.test_frame_readings import FRAME_READINGS
from tests.test_red_flag_readings_11 import READINGS_11
from tests.test_red_flag_readings_12 import READINGS_12
from tests.test_red_flag_readings_13 import READINGS_13
from tests.test_red_flag_readings_14 import READINGS_14
from tests.test_red_flag_readings_15 import READINGS_15
from tests.test_red_flag_readings_16 import READINGS_16
from tests.test_red_flag_readings_17 import READINGS_17
from tests.test_red_flag_readings_18 import READINGS_18
from tests.test_red_flag_readings_19 import READINGS_19
from tests.test_red_flag_readings_20 import READINGS_20
from tests.test_red_flag_readings_21 import READINGS_21

PAIRS = [*READINGS_11, *READINGS_12, *READINGS_13, *READINGS_14, *READINGS_15, *READINGS_16,
         *READINGS_17, *READINGS_18, *READINGS_19, *READINGS_20, *READINGS_21, *FRAME_READINGS]


@pytest.mark.parametrize(("question_id", "flag", "not_a_plan", "plan"), PAIRS)
def test_words_that_are_no_plan_raise_nothing(question_id: str, flag: str, not_a_plan: str,
                                              plan: str) -> None:
    assert flag not in flags_raised(question_id, not_a_plan)


@pytest.mark.parametrize(("question_id", "flag", "not_a_plan", "plan"), PAIRS)
def test_the_same_harm_as_the_candidates_plan_raises_it(question_id: str, flag: str,
                                                        not_a_plan: str, plan: str) -> None:
    assert flag in flags_raised(question_id, plan)
