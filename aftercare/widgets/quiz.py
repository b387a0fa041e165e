"""The self-check quiz widget: one radio-button question card per question, answers explained.

Thin glue over :mod:`aftercare.quiz`. Display a :class:`QuizApp` as the last expression of a
cell. Its display bundle carries three forms of the same content:

* the live widget (JupyterLab, Voila, or an export with saved widget state);
* ``text/html`` with each answer folded in a ``<details>`` element (static HTML, slides, PDF
  and anything without a widget manager);
* ``text/plain`` with the answers written out (terminals, nbval's output comparison).

Feedback is given in words ("Correct." / "Not quite.") as well as by colour. Each checked
answer is also reported (:func:`aftercare.checkin.report_answer`): to the room service in a
classroom, so the instructor sees the class's answers, and otherwise to the learner's own record
(``AFTERCARE_RECORD=off`` turns that off). A report that fails shows a short notice under the
feedback; the feedback itself never waits for it. In a classroom the widget says so above the
questions, and while it is open the kernel tells the room its learner is here
(:func:`aftercare.checkin.start_presence`).

Examples
--------
>>> app = QuizApp(topic="cooling")
>>> len(app.questions) >= 3
True
>>> "Answer:" in app.text()
True
"""

from __future__ import annotations

import html

import ipywidgets as widgets

from ..checkin import report_answer, start_presence
from ..present import Parts
from ..quiz import Question, load_quiz, questions_html, questions_text
from .app import APP_CSS
from .controls import scroll_box

__all__ = ["QuizApp", "quiz", "CLASSROOM_NOTE"]

#: Shown above the questions in a classroom: what is sent, and to whom.
CLASSROOM_NOTE = (
    "In this classroom each answer you check goes to the instructor's room page (the question "
    "and your choice, nothing else), and the page counts you as here while this notebook is open."
)


def _feedback_html(question: Question, index: int) -> str:
    result = question.check(index)
    mark = "&#10004; Correct." if result.correct else "&#10008; Not quite."
    colour = "#1b6e20" if result.correct else "#8a1c1c"
    return (
        f'<div role="status" style="border-left:4px solid {colour};padding-left:8px">'
        f"<strong>{mark}</strong> {html.escape(result.feedback)}"
        f"<br>{html.escape(result.explanation)}"
        f"<br><em>Sources:</em> {html.escape(', '.join(result.source_ids))}</div>"
    )


class QuizApp:
    """Self-check questions as interactive cards, with a static fallback.

    Parameters
    ----------
    topic : str, optional
        One of :data:`aftercare.quiz.TOPICS`; all questions when omitted.
    ids : sequence of str, optional
        Question ids to show, in this order (overrides ``topic``).
    """

    def __init__(self, topic: str | None = None, ids: list[str] | tuple[str, ...] | None = None):
        bank = load_quiz()
        if ids is not None:
            self.questions = tuple(bank.get(i) for i in ids)
        else:
            self.questions = bank.by_topic(topic)
        self._widget: widgets.Widget | None = None

    # -- static forms -------------------------------------------------------------------------
    def text(self) -> str:
        """Questions with their answers and sources, as plain text."""
        return questions_text(questions=self.questions)

    def html(self) -> str:
        """Questions as HTML with answers hidden in ``<details>``: a note that the quiz is
        interactive in JupyterLab, then one part per question (one slide each in a deck)."""
        note = (
            '<p class="aftercare-note"><b>This quiz is interactive</b> when the notebook runs in '
            "JupyterLab (choose an answer, then <i>Check answer</i>). Here, open "
            "<i>Show the answer</i> under each question.</p>"
        )
        questions = [
            questions_html(questions=(q,), start=n) for n, q in enumerate(self.questions, start=1)
        ]
        return Parts([note + questions[0], *questions[1:]], self.text())._repr_html_()

    def check(self, number: int, choice: int) -> str:
        """Check an answer without the widget: question ``number`` (1-based), option ``choice``
        (0-based); returns the feedback text."""
        return self.questions[number - 1].check(choice).text()

    # -- live widget --------------------------------------------------------------------------
    def _card(self, number: int, question: Question) -> widgets.Widget:
        prompt = widgets.HTML(f"<p><strong>Q{number}.</strong> {html.escape(question.prompt)}</p>")
        choice = widgets.RadioButtons(
            options=[(o.text, i) for i, o in enumerate(question.options)],
            value=None,
            layout=widgets.Layout(width="auto"),
            description="",
        )
        button = widgets.Button(
            description="Check answer", tooltip=f"Check the answer to Q{number}"
        )
        result = widgets.HTML("")
        notice = widgets.HTML("")

        def show_notice(text: str) -> None:
            notice.value = (
                f'<p role="status" class="aftercare-note"><em>{html.escape(text)}</em></p>'
            )

        def on_click(_button: widgets.Button) -> None:
            if choice.value is None:
                result.value = "<em>Choose an option first.</em>"
                return
            result.value = _feedback_html(question, choice.value)
            notice.value = ""
            correct = question.check(choice.value).correct
            report_answer(question.id, choice.value, correct, notify=show_notice)

        button.on_click(on_click)
        # The answer stays available, folded, where no kernel runs the button (static exports
        # keep the widget's saved state, so this is what a reader of a web page or PDF sees).
        letter = "ABCDEF"[question.correct_index]
        reveal = widgets.HTML(
            f"<details><summary>Show the answer to Q{number}</summary>"
            f"<p><strong>{letter}. {html.escape(question.correct_option.text)}</strong></p>"
            f"<p>{html.escape(question.explanation)}</p>"
            f"<p><em>Sources:</em> {html.escape(', '.join(question.source_ids))}</p></details>"
        )
        return widgets.VBox(
            [prompt, choice, button, result, notice, reveal],
            layout=widgets.Layout(margin="0 0 16px 0"),
        )

    @property
    def widget(self) -> widgets.Widget:
        """The interactive form (built on first use)."""
        if self._widget is None:
            cards = [self._card(n, q) for n, q in enumerate(self.questions, start=1)]
            if start_presence():  # in a classroom only
                cards.insert(0, widgets.HTML(f'<p class="aftercare-note">{CLASSROOM_NOTE}</p>'))
            # On a live slide the cards keep to the slide and scroll with the wheel, saying so.
            style = widgets.HTML(f"<style>{APP_CSS}</style>", layout=widgets.Layout(height="0px"))
            self._widget = scroll_box([*cards, style])
            self._widget.add_class("aftercare-quiz")
        return self._widget

    def _repr_mimebundle_(self, include=None, exclude=None):
        bundle = dict(self.widget._repr_mimebundle_())
        bundle["text/plain"] = self.text()
        bundle["text/html"] = self.html()
        return bundle


def quiz(topic: str | None = None, ids: list[str] | tuple[str, ...] | None = None) -> QuizApp:
    """Shortcut for :class:`QuizApp`: ``quiz("cooling")`` as the last line of a cell."""
    return QuizApp(topic=topic, ids=ids)
