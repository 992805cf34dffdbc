"""The private section of a notes file is cut out before anything is read for the rep."""

from __future__ import annotations

import pytest

from scheduler.private_notes import PRIVATE_MARKER, split_private


@pytest.mark.parametrize(
    ("text", "public", "private"),
    [
        pytest.param(
            f"--- Notes ---\nAcme.\n{PRIVATE_MARKER}\nTired.\n--- Action items ---\n- [ ] x\n",
            "--- Notes ---\nAcme.\n--- Action items ---\n- [ ] x\n",
            "Tired.",
            id="between-two-markers",
        ),
        pytest.param(
            "--- Notes ---\nAcme.\n----- PRIVATE -----\nRaise?\nReorg?\n",
            "--- Notes ---\nAcme.\n",
            "Raise?\nReorg?",
            id="to-the-end-any-case-any-dashes",
        ),
        pytest.param(
            "--- private ---\na\n--- Notes ---\nb\n--- private ---\nc\n",
            "--- Notes ---\nb\n",
            "a\nc",
            id="two-sections",
        ),
        pytest.param(
            "--- Notes ---\nNothing private.\n", "--- Notes ---\nNothing private.\n", "", id="none"
        ),
        pytest.param(
            "I keep private things private.\n",
            "I keep private things private.\n",
            "",
            id="the-word-alone-is-no-marker",
        ),
    ],
)
def test_the_private_section_is_cut_out(text: str, public: str, private: str) -> None:
    assert split_private(text) == (public, private)
