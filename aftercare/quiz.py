"""Self-check questions: load ``data/quiz.yaml``, check answers, render them as text or HTML.

Each question has one correct option; every option carries feedback saying why it is right or
wrong, and the question carries an explanation and the source ids behind it (checked against
``data/sources.csv`` on load). The notebooks show the questions with
:mod:`aftercare.widgets.quiz`; without a front end the same questions render as plain text or as
HTML with the answers folded away in ``<details>`` elements.

References
----------
Agency for Healthcare Research and Quality. Health Literacy Universal Precautions Toolkit,
3rd ed. (teach-back: check understanding rather than assume it).

Examples
--------
>>> quiz = load_quiz()
>>> len(quiz.questions) >= 15, quiz.topics[0]
(True, 'soreness')
>>> q = quiz.get("cool-session-cap")
>>> q.check(q.correct_index).correct
True
"""

from __future__ import annotations

import html
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from .data import cached_loader, data_path, display_name, read_yaml_model
from .errors import DataError, InputError
from .sources import check_source_ids, cite

__all__ = [
    "Option",
    "Question",
    "Quiz",
    "Feedback",
    "load_quiz",
    "questions_text",
    "questions_html",
]

_ID = r"^[a-z][a-z0-9-]*$"


class Option(BaseModel):
    """One answer option with the feedback shown when it is chosen."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    text: str = Field(min_length=1)
    correct: bool
    feedback: str = Field(min_length=1)


class Feedback(BaseModel):
    """The result of checking one answer."""

    model_config = ConfigDict(frozen=True)

    correct: bool
    chosen: str
    feedback: str
    explanation: str
    source_ids: tuple[str, ...]

    def text(self) -> str:
        """Feedback in plain words, ending with the short citation."""
        verdict = "Correct." if self.correct else "Not quite."
        return f"{verdict} {self.feedback} {self.explanation} Sources: {cite(self.source_ids)}"


class Question(BaseModel):
    """One multiple-choice question with exactly one correct option."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str = Field(pattern=_ID)
    #: One of the quiz's ``topics`` (checked by :class:`Quiz`).
    topic: str = Field(pattern=_ID)
    prompt: str = Field(min_length=1)
    options: tuple[Option, ...] = Field(min_length=2, max_length=6)
    explanation: str = Field(min_length=1)
    source_ids: tuple[str, ...] = Field(min_length=1)

    @field_validator("prompt", "explanation")
    @classmethod
    def _strip(cls, value: str) -> str:
        return " ".join(value.split())

    @model_validator(mode="after")
    def _one_correct(self) -> Question:
        n = sum(o.correct for o in self.options)
        if n != 1:
            raise ValueError(f"exactly one option must have correct: true (found {n})")
        texts = [o.text for o in self.options]
        if len(set(texts)) != len(texts):
            raise ValueError("two options have the same text")
        return self

    @property
    def correct_index(self) -> int:
        """Index (0-based) of the correct option."""
        return next(i for i, o in enumerate(self.options) if o.correct)

    @property
    def correct_option(self) -> Option:
        """The correct option."""
        return self.options[self.correct_index]

    def check(self, choice: int | str) -> Feedback:
        """Check an answer given as an option index (0-based) or the option's exact text.

        Raises
        ------
        InputError
            If ``choice`` is not a valid index or option text.
        """
        if isinstance(choice, str):
            texts = [o.text for o in self.options]
            if choice not in texts:
                raise InputError("choice", choice, "one of " + ", ".join(repr(t) for t in texts))
            index = texts.index(choice)
        elif (
            isinstance(choice, int)
            and not isinstance(choice, bool)
            and 0 <= choice < len(self.options)
        ):
            index = choice
        else:
            raise InputError("choice", choice, f"an option index 0 to {len(self.options) - 1}")
        option = self.options[index]
        return Feedback(
            correct=option.correct,
            chosen=option.text,
            feedback=" ".join(option.feedback.split()),
            explanation=self.explanation,
            source_ids=self.source_ids,
        )


class Quiz(BaseModel):
    """All self-check questions (``data/quiz.yaml``).

    ``topics`` is the one list of topics (in the notebooks' order); every question names one
    of them, and each notebook asks its topic's questions.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    title: str
    topics: tuple[str, ...] = Field(min_length=1)
    questions: tuple[Question, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _consistent(self) -> Quiz:
        if len(set(self.topics)) != len(self.topics):
            raise ValueError("a topic is listed twice in topics")
        seen: set[str] = set()
        for q in self.questions:
            if q.id in seen:
                raise ValueError(f"duplicate question id {q.id!r}")
            if q.topic not in self.topics:
                raise ValueError(
                    f"question {q.id!r} has the topic {q.topic!r}, which is not in topics "
                    f"({', '.join(self.topics)})"
                )
            seen.add(q.id)
        return self

    @property
    def ids(self) -> tuple[str, ...]:
        """Every question's id, in file order."""
        return tuple(q.id for q in self.questions)

    def get(self, question_id: str) -> Question:
        """One question by id; an unknown id raises an error listing the valid ids."""
        for q in self.questions:
            if q.id == question_id:
                return q
        raise InputError("question_id", question_id, ", ".join(q.id for q in self.questions))

    def by_topic(self, topic: str | None = None) -> tuple[Question, ...]:
        """The questions of one topic (all questions when ``topic`` is None), in file order."""
        if topic is None:
            return self.questions
        if topic not in self.topics:
            raise InputError("topic", topic, "one of " + ", ".join(self.topics))
        return tuple(q for q in self.questions if q.topic == topic)


def _load(path: Path) -> Quiz:
    quiz = read_yaml_model(path, Quiz)
    name = display_name(path)
    for number, q in enumerate(quiz.questions, start=1):
        check_source_ids(
            q.source_ids, file=name, row=None, column=f"questions[{number}] ({q.id}).source_ids"
        )
    return quiz


@cached_loader
def _default_quiz() -> Quiz:
    return _load(data_path("quiz.yaml"))


def load_quiz(path: str | Path | None = None) -> Quiz:
    """Load and check the self-check questions.

    Parameters
    ----------
    path : str or Path, optional
        A quiz YAML file; default ``data/quiz.yaml`` (cached).

    Returns
    -------
    Quiz

    Raises
    ------
    DataError
        Naming the file and the key when a question is malformed or cites an unknown source.
    """
    if path is None:
        return _default_quiz()
    path = Path(path)
    if not path.is_file():
        raise DataError(str(path), "file not found")
    return _load(path)


def _select(topic: str | None, questions: tuple[Question, ...] | None) -> tuple[Question, ...]:
    return questions if questions is not None else load_quiz().by_topic(topic)


def questions_text(
    topic: str | None = None, *, questions: tuple[Question, ...] | None = None, reveal: bool = True
) -> str:
    """The questions as plain text, options lettered, answers after each question if ``reveal``."""
    lines: list[str] = []
    for number, q in enumerate(_select(topic, questions), start=1):
        lines.append(f"Q{number}. {q.prompt}")
        for letter, option in zip("ABCDEF", q.options, strict=False):
            lines.append(f"   {letter}. {option.text}")
        if reveal:
            letter = "ABCDEF"[q.correct_index]
            lines.append(f"   Answer: {letter}. {q.explanation}")
            lines.append(f"   Sources: {cite(q.source_ids)}")
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def questions_html(
    topic: str | None = None, *, questions: tuple[Question, ...] | None = None, start: int = 1
) -> str:
    """The questions as HTML, numbered from ``start``; each answer is folded in a
    ``<details>`` element."""
    esc = html.escape
    parts = ['<div class="aftercare-quiz">']
    for number, q in enumerate(_select(topic, questions), start=start):
        parts.append(f"<p><strong>Q{number}.</strong> {esc(q.prompt)}</p>")
        parts.append('<ol type="A" style="list-style-type:upper-alpha">')
        parts.extend(f"<li>{esc(o.text)}</li>" for o in q.options)
        parts.append("</ol>")
        letter = "ABCDEF"[q.correct_index]
        parts.append(
            f"<details><summary>Show the answer to Q{number}</summary>"
            f"<p><strong>{letter}. {esc(q.correct_option.text)}</strong></p>"
            f"<p>{esc(q.explanation)}</p><p>Sources: {esc(cite(q.source_ids))}</p></details>"
        )
    parts.append("</div>")
    return "\n".join(parts)


def __getattr__(name: str) -> Any:
    # ``TOPICS``: the topics of data/quiz.yaml (read from the data, never written here).
    if name == "TOPICS":
        return load_quiz().topics
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
