"""The words of the agendas: each kind of 1:1 as timed blocks, and the pools of questions.

Every block speaks twice: to the manager (``prompts``, her script: what to look for, what to
ask) and to the rep (``rep_prompts``, what to bring and think about). The rep's prep and the
event description, which the rep also reads, only ever show the rep's words.

The rep's own block comes right after the check-in and is never cut from a short 1:1: the
meeting is the rep's first. ``rank`` orders the others for cutting (0, the kind's main topic,
is kept longest; the rep's block has -1).

Questions come in pools of eight per kind; ``scheduler.agenda`` takes three that rotate week
by week, so the same three do not come back every time.
"""

from __future__ import annotations

from dataclasses import dataclass

LABELS = {
    "kickoff": "Getting started",
    "pipeline": "Pipeline review",
    "career": "Career development",
    "performance": "Performance review",
    "forecast": "Forecast review",
    "coaching": "Coaching session",
}
REP_LABELS = {**LABELS, "performance": "Quarter in review"}
"""What the rep reads: a review of the quarter is a conversation, not a verdict."""


@dataclass(frozen=True)
class Block:
    """A section of a 45-minute meeting, in the manager's words and in the rep's."""

    title: str
    minutes: int
    rank: int
    prompts: tuple[str, ...]
    rep_prompts: tuple[str, ...]
    rep_title: str = ""
    reps_own: bool = False


CHECK_IN = Block(
    "Personal check-in",
    5,
    3,
    ("Ask about life outside work before business; then open with a recent win.",),
    ("A few minutes on how you are doing, at work and outside it.",),
)
REP_TOPICS = Block(
    "The rep's topics",
    10,
    -1,
    (
        "Their list first, in their order; take notes, hold your own points until after.",
        "If they came without topics, ask what is on their mind before anything else.",
    ),
    ("Your topics first, in your order: questions, obstacles, ideas, where you want a hand.",),
    rep_title="Your topics",
    reps_own=True,
)
NEXT_STEPS = Block(
    "Recap and next steps",
    5,
    2,
    (
        "Read back who does what by when, and how you will both know it worked.",
        "Name the one thing to work on until next time.",
    ),
    ("Agree on who does what by when, and the one thing to work on until next time.",),
)

SHAPES: dict[str, tuple[Block, ...]] = {
    "kickoff": (
        Block(
            "Getting to know each other",
            10,
            3,
            ("Their background, what they enjoy, how they like to work and be recognised.",),
            ("A little about you: background, what you enjoy, how you like to work.",),
        ),
        Block(
            "What the rep wants from these 1:1s",
            10,
            -1,
            (
                "Ask what would make this half hour worth it for them; write it down.",
                "Agree that their topics come first every time.",
            ),
            ("What would make these meetings worth your time? What should we never skip?",),
            rep_title="What you want from these 1:1s",
            reps_own=True,
        ),
        Block(
            "Goals: this year and beyond",
            10,
            0,
            (
                "Their numbers for the year and what they think of them.",
                "Where they want to be in two or three years; note each as a Goal: line.",
            ),
            ("Your targets for the year, and where you would like to be in two or three.",),
        ),
        Block(
            "How we work together",
            10,
            4,
            (
                "Explain the rhythm: weekly 1:1, topics ahead, notes and a recap after.",
                "Ask how they prefer feedback: in the moment or saved for the 1:1.",
            ),
            ("How we keep the 1:1 going, how you like to get feedback, how to reach me.",),
        ),
        NEXT_STEPS,
    ),
    "pipeline": (
        CHECK_IN,
        REP_TOPICS,
        Block(
            "Deals and pipeline against goals",
            15,
            0,
            (
                "Deals that moved and deals that stalled since last time; numbers against goal.",
                "Where an output falls short, look at the activity behind it.",
            ),
            ("Which deals moved, which stalled, and where you stand against goal.",),
        ),
        Block(
            "One deal or customer in depth",
            10,
            4,
            ("Take one opportunity apart with them and let them find the next move.",),
            ("One deal or customer you want to think through together.",),
        ),
        NEXT_STEPS,
    ),
    "forecast": (
        CHECK_IN,
        REP_TOPICS,
        Block(
            "Forecast for the period",
            15,
            0,
            (
                "Commit versus best case: what evidence stands behind each deal?",
                "What changed since the last call of the number?",
            ),
            ("Your call for the period: what is commit, what is best case, and why.",),
        ),
        Block(
            "Deals at risk",
            10,
            4,
            ("Which deals could slip, and what would pull them back?",),
            ("The deals that could slip, and what would keep them on track.",),
        ),
        NEXT_STEPS,
    ),
    "career": (
        CHECK_IN,
        REP_TOPICS,
        Block(
            "Quick pass over deals and goals",
            5,
            4,
            ("Only what cannot wait a week.",),
            ("Only what cannot wait a week.",),
        ),
        Block(
            "Career and development",
            20,
            0,
            (
                "Their goals (below) and the step agreed last time: done, stuck, changed?",
                "Which skill, project or person would move them forward; what you will do.",
            ),
            ("Where you want to go, the step you took since last time, and the next one.",),
        ),
        NEXT_STEPS,
    ),
    "performance": (
        CHECK_IN,
        REP_TOPICS,
        Block(
            "Results against goals this quarter",
            15,
            0,
            (
                "Outputs first: met, beaten, missed. For a miss, the activity behind it.",
                "Recognise the best result before the gaps.",
            ),
            ("How the quarter went against your goals, in your own words first.",),
        ),
        Block(
            "Strengths and one area to grow",
            10,
            3,
            ("One strength to keep using, one concrete change to ask for.",),
            ("What went well, and the one thing you would most like to get better at.",),
        ),
        NEXT_STEPS,
    ),
    "coaching": (
        CHECK_IN,
        REP_TOPICS,
        Block(
            "Skill practice",
            20,
            0,
            (
                "Pick one real situation (a call, an objection, a negotiation); role-play it.",
                "Swap roles once; let them name what they would do differently.",
            ),
            ("Bring one real conversation you want to practise: a call, an objection, a price.",),
        ),
        Block(
            "Feedback both ways",
            5,
            4,
            ("What worked, what to try next, what they need from you.",),
            ("What worked, what to try next, and what you need from your manager.",),
        ),
        NEXT_STEPS,
    ),
}

QUESTIONS: dict[str, tuple[str, ...]] = {
    "kickoff": (
        "What did your best manager do that you would like from me?",
        "What should I know about how you work best?",
        "What would make you say in six months that these meetings were worth it?",
        "What part of the job are you most looking forward to?",
        "What worries you about the role, if anything?",
        "How do you like to be recognised when something goes well?",
        "What would you like to learn first?",
        "How do you prefer to hear it when something is off?",
    ),
    "pipeline": (
        "Which deal keeps you up at night, and why that one?",
        "At which stage do your deals tend to stall?",
        "What are customers telling you about our product lately?",
        "Which deal would you walk away from, and what stops you?",
        "Who else in the account should you be talking to?",
        "What would you do with one extra day this week?",
        "Which part of our sales process slows you down?",
        "What did the last deal you lost teach you?",
    ),
    "forecast": (
        "What has to happen for your best-case deals to close this period?",
        "If you had to drop one deal from the forecast, which and why?",
        "What surprised you this month?",
        "Which close date are you least sure of?",
        "Where do you need a decision-maker you have not met yet?",
        "What would move a best-case deal into commit?",
        "Which deal is bigger or smaller than it looks?",
        "What would you tell the customer if the date slipped?",
    ),
    "career": (
        "Which part of the job do you enjoy most, and which least?",
        "What would keep you here for the next few years?",
        "Which skill do you want to build next?",
        "Whose job would you like to understand better?",
        "What would make the next six months more satisfying?",
        "What have you learned since we last talked about your goals?",
        "What is getting in the way of the step we agreed?",
        "Which project would stretch you in the right way?",
    ),
    "performance": (
        "What are you proudest of this quarter?",
        "What got in the way of your goals, and what would you change?",
        "What support do you need for next quarter's goals?",
        "Which habit helped you most this quarter?",
        "Where did you spend time that did not pay off?",
        "What should we measure that we do not today?",
        "Which result surprised you, for better or worse?",
        "What would you do differently if the quarter started again?",
    ),
    "coaching": (
        "What is the hardest moment in your calls right now?",
        "Which conversation would you like to replay and do differently?",
        "How do you like to receive feedback?",
        "Which objection do you hear most, and how do you answer it?",
        "When do you lose control of a call?",
        "Whose calls have you listened to lately, and what did you take from them?",
        "What would you like me to watch for on your next call?",
        "Which question do you wish you had asked a customer last week?",
    ),
}

COACHING_PROMPTS: dict[str, str] = {
    "kickoff": "Leave with their goals written down and one thing they want from you.",
    "pipeline": "Leave one point, drawn from the gap between results and goals or from a "
    "stalled deal.",
    "forecast": "Leave one point about qualifying or calling the number accurately.",
    "career": "Agree one development step: a skill, a project or someone to learn from.",
    "performance": "Name the strength to keep and the one change to ask for.",
    "coaching": "Choose the one skill to practise and how you will role-play it.",
}
