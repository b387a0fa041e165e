# ---
# jupyter:
#   jupytext:
#     formats: ipynb,py:percent
#     notebook_metadata_filter: rise
#     text_representation:
#       extension: .py
#       format_name: percent
#       format_version: '1.3'
#       jupytext_version: 1.19.6
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
#   rise:
#     center: false
#     enable_chalkboard: false
#     scroll: false
#     start_slideshow_at: beginning
#     theme: white
#     transition: none
# ---

# %% [markdown] slideshow={"slide_type": "slide"}
# # Start here: a course on aftercare after dry needling
#
# This suite teaches clinicians how to guide a patient through the hours and days after
# myofascial dry needling: when ice may start, how long each session lasts, what goes between
# the ice and the skin, which patient factors call for caution or rule cold out, and how heat,
# massage, stretching and clinician-applied options compare.
#
# **Education, not individual medical advice.** The suite teaches reasoning with published
# evidence. It does not replace a clinician's judgement for a particular patient, and every plan
# it prints is a draft for a clinician to check.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ## Learning objectives
#
# **Estimated time: 15 minutes.**
#
# By the end of this notebook you will be able to:
#
# 1. say who the suite is for and what it does not do;
# 2. open, run and reset a notebook in JupyterLab, and find the interactive apps;
# 3. choose which notebooks to use for self-study, a training session or a slide deck;
# 4. make a first icing plan for a patient and read it.

# %% [markdown] slideshow={"slide_type": "notes"}
# Facilitator note: read the "education, not medical advice" statement aloud at the start of every
# session. Ask who already gives aftercare advice after dry needling and what they say about ice;
# collect the answers on a board and come back to them in notebooks 07 and 09.

# %% jupyter={"source_hidden": true} slideshow={"slide_type": "skip"} tags=["hide-input"]
from aftercare import Patient, plan_icing
from aftercare.present import plan_report, references
from aftercare.widgets.quiz import quiz

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 1. Who this suite is for
#
# - **Physiotherapists, physicians and other clinicians** who use dry needling (DN) and give
#   aftercare advice.
# - **Educators** who run in-service training on aftercare.
# - **Students** learning about cold and heat as physical agents.
#
# A few terms used throughout:
#
# - **Dry needling (DN):** a thin solid needle is inserted into muscle, usually into a
#   **myofascial trigger point (MTrP)**, a tender, taut spot in a muscle.
# - **Post-needling soreness (PNS):** the ache or tenderness felt in the hours and days after
#   needling.
# - **Protocol:** a named set of rules (wait, session length, spacing, barrier) stored as a
#   file the clinic can read and edit.
#
# The default guidance comes from one expert web article [pai-seed]. Where published evidence
# says something different, the notebooks say so plainly and show both.

# %% [markdown] slideshow={"slide_type": "notes"}
# Timing: about 3 minutes; running total 3 minutes.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### What the suite does not do
#
# - It does not diagnose, and it does not decide for a clinician.
# - It does not cover the needling technique itself.
# - Most numbers come from studies of healthy volunteers, ankle sprains or exercise soreness,
#   not from patients after needling. Each notebook says which is which.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 2. How to use the notebooks in JupyterLab
#
# 1. Open a notebook from the file browser on the left.
# 2. Run it from the top: menu **Run**, then **Run All Cells**. Each code cell is one short call
#    into the `aftercare` package; you do not need to write code.
# 3. The apps (sliders, drop-downs and check boxes) redraw their chart as you change them.
#    The numbered **Try** tasks beside each app tell you what to change and what to look for.
# 4. **Think** questions have their answer folded away: click "Show the answer" to open it.
# 5. To start again: menu **Kernel**, then **Restart Kernel and Run All Cells**.
#
# Every notebook has stored results, so it reads well even before you run it, for example in a
# static web page or a printed handout.

# %% [markdown] slideshow={"slide_type": "notes"}
# Timing: about 3 minutes; running total 6 minutes.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### In a training session or as slides
#
# - **Self-study:** work through notebooks 01 to 09 in order, about 3 hours 45 minutes in all.
# - **Training session:** the facilitator projects a notebook, runs the apps live, and pauses at
#   each Think question.
# - **Slides:** every notebook is also a slide deck with speaker notes. From a terminal in the
#   project folder, run `python -m aftercare export slides --out decks/`. The slides open in a browser
#   without an internet connection; apps show their stored chart there.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 3. The notebooks
#
# | No. | Notebook | Study time |
# |---|---|---|
# | 01 | [Dry needling and post-needling soreness: what happens after needling](01_dry_needling_and_soreness.ipynb) | 20 min |
# | 02 | [How ice works: the tissue cooling model](02_how_ice_works.ipynb) | 25 min |
# | 03 | [The icing timeline planner and its rules](03_icing_timeline_planner.ipynb) | 25 min |
# | 04 | [Patient factors and safety: caution or avoid](04_patient_factors_and_safety.ipynb) | 25 min |
# | 05 | [Alternatives to ice compared: heat, massage, stretching and clinic options](05_alternatives_compared.ipynb) | 25 min |
# | 06 | [Case studies: eight patients, eight decisions](06_case_studies.ipynb) | 30 min |
# | 07 | [The conversation with the patient: explaining, deciding, safety-netting](07_conversation_with_the_patient.ipynb) | 25 min |
# | 08 | [Self-check: twenty-five questions with explained answers](08_self_check.ipynb) | 25 min |
# | 09 | [Where the sources disagree, and how a clinic sets its own protocol](09_where_sources_disagree.ipynb) | 25 min |

# %% [markdown] slideshow={"slide_type": "notes"}
# Timing: about 2 minutes; running total 8 minutes.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 4. A facilitator's plan for a 90-minute session
#
# | Time | Activity | Notebook |
# |---|---|---|
# | 0-5 min | Welcome, "not medical advice" statement, what do you advise now? | 00 |
# | 5-20 min | What happens after needling; how often soreness and bruising occur | 01 |
# | 20-35 min | Live demo of the cooling model: barrier, minutes, fat | 02 |
# | 35-50 min | Planner demo; groups of three plan a patient each | 03 |
# | 50-55 min | Break | - |
# | 55-68 min | Safety: caution or avoid; two cases in small groups | 04, 06 |
# | 68-78 min | The conversation: explain, safety-net, teach-back in pairs | 07 |
# | 78-84 min | Alternatives and where the sources disagree | 05, 09 |
# | 84-90 min | Self-check in pairs, questions, close | 08 |

# %% [markdown] slideshow={"slide_type": "notes"}
# Timing: about 2 minutes; running total 10 minutes.
#
# Facilitator note: if time is short, drop the fat-thickness part of notebook 02 and give notebook
# 05 as homework. Keep the safety section, the teach-back practice and the self-check: they
# carry the main messages.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 5. Try it: a first plan
#
# The cell below makes a plan for a patient needled at 09:00 with no health problems, using the
# suite's protocol (by default the one taken from the article). It shows the verdict, the first
# sessions and the steps, each with the ids of its sources.
#
# - **Try 1:** read the verdict line. What are the three possible verdicts? (Answer below.)
# - **Try 2:** find the wait before the first session. Which source does it rest on?
# - **Try 3:** find the barrier step. What does it tell the patient to put between ice and skin?

# %% [markdown] slideshow={"slide_type": "notes"}
# Timing: about 4 minutes; running total 14 minutes.

# %% slideshow={"slide_type": "fragment"}
plan = plan_icing(Patient(hours_since_needling=0, needled_at="09:00"))
plan_report(plan)

# %% [markdown] slideshow={"slide_type": "subslide"}
# **Think:** the wait before the first session rests on a single source. What would you want to
# know before you tell every patient to wait?
#
# <details><summary>Show the answer</summary>
#
# The wait comes only from the article [pai-seed], which cites no trial. You would want to know
# whether any study compared icing early with icing later after needling. None was found; the
# trials that used cold after needling applied it straight away [martinpintado2014]
# [vorawanthanachai]. Notebook 09 sets the two practices side by side. The verdicts are "ok",
# "caution" and "avoid".
#
# </details>

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Evidence
#
# This notebook rests on the source article [pai-seed] and on the trials named in the Think
# answer [martinpintado2014] [vorawanthanachai]. Every source id in the suite is listed, with
# its confidence, in `data/sources.csv`; each notebook ends with the full references of the
# sources it cites.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Key points
#
# - The suite is for clinicians and educators; it teaches reasoning, it does not decide.
# - Each notebook is a 15-30 minute unit; run it top to bottom, then use the apps and tasks.
# - Every rule and flag shows its sources; check them before you rely on them.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Self-check
#
# Choose an answer and press "Check answer". Without a live kernel, open "Show the answer".

# %% [markdown] slideshow={"slide_type": "notes"}
# Timing: about 1 minute; running total 15 minutes.

# %% slideshow={"slide_type": "fragment"}
quiz(ids=["plan-ice-optional"])

# %% [markdown] slideshow={"slide_type": "slide"}
# ---
# **Education, not individual medical advice.** This notebook teaches reasoning with published
# evidence; it does not replace clinical judgement for a particular patient.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## References

# %% slideshow={"slide_type": "fragment"}
references("00_start_here.ipynb")
