"""Red-flag readings after the eleventh blind set. "cut first" is a limit cut first only when
it says what it cuts: "I'd cut first" after weighing cutting calls against buying more is no
limit imposed on anyone (h11p3-004, h11p3-062, honest answers labelled 4)."""

from __future__ import annotations

from tests.question_flags import flags_raised

CRM = "data-crm-sync-eats-shared-api-allowance"


def test_cutting_first_without_a_limit_named_is_no_limit_imposed() -> None:
    assert "limits-without-notice" not in flags_raised(
        CRM, "I'd cut first - if we're still over 80 percent most days after that, buying wins.")


def test_a_limit_cut_first_is_imposed() -> None:
    assert "limits-without-notice" in flags_raised(
        CRM, "I'd cut every team's quota first and let the real needs surface.")
