"""Tests for the self-check questions (data/quiz.yaml) and their loader and widget."""

from __future__ import annotations

import textwrap

import pytest

from aftercare.errors import DataError, InputError
from aftercare.quiz import load_quiz, questions_html, questions_text
from aftercare.sources import load_sources


@pytest.fixture(scope="module")
def quiz():
    return load_quiz()


def test_at_least_15_questions_with_unique_ids(quiz):
    ids = [q.id for q in quiz.questions]
    assert len(ids) >= 15
    assert len(set(ids)) == len(ids)


def test_every_question_has_one_correct_option_feedback_and_sources(quiz):
    sources = load_sources()
    for q in quiz.questions:
        assert sum(o.correct for o in q.options) == 1, q.id
        assert all(o.feedback.strip() for o in q.options), q.id
        assert q.explanation.strip(), q.id
        assert q.source_ids and all(s in sources for s in q.source_ids), q.id


def test_every_notebook_topic_has_questions(quiz):
    for topic in quiz.topics:
        assert quiz.by_topic(topic), topic


def test_check_by_index_and_text(quiz):
    q = quiz.get("cool-session-cap")
    assert q.check(q.correct_index).correct
    wrong = next(i for i, o in enumerate(q.options) if not o.correct)
    assert not q.check(wrong).correct
    assert q.check(q.correct_option.text).correct
    assert "Sources:" in q.check(0).text()


@pytest.mark.parametrize("bad", [-1, 99, True, "no such option", 1.5])
def test_check_rejects_bad_choice(quiz, bad):
    with pytest.raises(InputError, match="choice"):
        quiz.get("cool-session-cap").check(bad)


def test_unknown_question_and_topic_name_the_valid_values(quiz):
    with pytest.raises(InputError, match="cool-session-cap"):
        quiz.get("nope")
    with pytest.raises(InputError, match="soreness"):
        quiz.by_topic("nope")


def test_text_and_html_forms(quiz):
    text = questions_text("safety")
    assert text.count("Answer:") == len(quiz.by_topic("safety"))
    assert "Answer:" not in questions_text("safety", reveal=False)
    page = questions_html("safety")
    assert page.count("<details>") == len(quiz.by_topic("safety"))


def _write(tmp_path, body: str):
    path = tmp_path / "quiz.yaml"
    path.write_text(textwrap.dedent(body), encoding="utf-8")
    return path


GOOD = """
    title: t
    topics: [cooling, a-topic-of-its-own]
    questions:
      - id: q1
        topic: cooling
        prompt: p?
        options:
          - {text: a, correct: true, feedback: right}
          - {text: b, correct: false, feedback: wrong}
        explanation: e
        source_ids: [bugaj1975]
"""


def test_custom_file_loads(tmp_path):
    assert load_quiz(_write(tmp_path, GOOD)).questions[0].id == "q1"


def test_topics_come_from_the_file_and_a_question_must_use_one(tmp_path):
    quiz = load_quiz(_write(tmp_path, GOOD))
    assert quiz.topics == ("cooling", "a-topic-of-its-own")  # a new topic is a data change
    assert quiz.by_topic("a-topic-of-its-own") == ()
    path = _write(tmp_path, GOOD.replace("topic: cooling", "topic: coolling"))
    with pytest.raises(
        DataError, match="'q1' has the topic 'coolling'.*cooling, a-topic-of-its-own"
    ):
        load_quiz(path)


def test_unknown_source_id_is_named(tmp_path):
    path = _write(tmp_path, GOOD.replace("bugaj1975", "bugaj1976"))
    with pytest.raises(DataError, match="bugaj1976"):
        load_quiz(path)


def test_two_correct_options_rejected(tmp_path):
    path = _write(tmp_path, GOOD.replace("correct: false", "correct: true"))
    with pytest.raises(DataError, match="exactly one option"):
        load_quiz(path)


def test_missing_file(tmp_path):
    with pytest.raises(DataError, match="not found"):
        load_quiz(tmp_path / "missing.yaml")


def test_widget_bundle_has_static_fallbacks():
    from aftercare.widgets.quiz import QuizApp

    app = QuizApp(topic="cooling")
    bundle = app._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in bundle
    assert "<details>" in bundle["text/html"]
    assert "Answer:" in bundle["text/plain"]
    assert app.check(1, app.questions[0].correct_index).startswith("Correct.")


def test_widget_feedback_in_words_not_colour_only():
    from aftercare.widgets.quiz import QuizApp

    app = QuizApp(ids=["cool-session-cap"])
    card = app.widget.children[0]
    _prompt, choice, button, result, _notice, reveal = card.children
    assert "<details>" in reveal.value
    button.click()
    assert "Choose an option" in result.value
    choice.value = app.questions[0].correct_index
    button.click()
    assert "Correct." in result.value


def test_no_question_rests_on_a_source_whose_wording_was_not_read(quiz):
    for q in quiz.questions:
        assert "houghton2010" not in q.source_ids, q.id


def test_session_cap_question_names_the_superficial_nerve_cap(quiz):
    """The 20-minute answer is the longest session; over a superficial nerve the protocol's
    own, shorter cap applies, and the question says the protocol's number."""
    from aftercare import load_protocol

    cap = load_protocol("seed-article").rule("factor_max_session_minutes").value
    nerve = f"{cap['superficial_nerve']:g} minutes"
    q = next(q for q in quiz.questions if q.id == "cool-session-cap")
    assert nerve in " ".join(q.explanation.split())
    wrong_ten = next(o for o in q.options if o.text == "10 minutes")
    assert "nerve close to the skin" in wrong_ten.feedback


def test_the_quiz_keeps_to_a_live_slide_and_says_it_scrolls():
    """On a live slide the cards scroll in a box of the slide's height, with the hint line
    (the RISE walk in tests/e2e/test_present_live.py measures it); the first card stays first."""
    from aftercare.widgets.quiz import QuizApp

    app = QuizApp(topic="cooling")
    assert {"aftercare-scroll", "aftercare-quiz"} <= set(app.widget._dom_classes)
    assert "aftercare-scroll-hint" in app.widget.children[-1]._dom_classes
    assert "Q1." in app.widget.children[0].children[0].value
