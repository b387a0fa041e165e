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
# # Case studies: eight patients, eight decisions
#
# Eight invented patients, each with a decision to make after dry needling. For each one, read
# the story, decide, then compare your answer with the planner's and with the discussion.
#
# **Education, not individual medical advice.** The patients are invented for teaching; a real
# patient needs a clinician's own assessment.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ## Learning objectives
#
# **Estimated time: 30 minutes** (about 3 minutes per case, plus the app).
#
# By the end of this notebook you will be able to:
#
# 1. apply the protocol rules and the patient factors to a realistic story;
# 2. explain a "caution" or "avoid" verdict to a colleague, with its sources;
# 3. spot where a patient's own plan (longer sessions, tight wraps, sleeping with ice, heat over
#    a bruise) adds risk, and offer a safer option;
# 4. say where the planner's answer rests on an expert rule rather than a trial.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### How to work through a case
#
# 1. Read the story and the decision. Decide before you run the next cell.
# 2. Run the planner cell: it prints the verdict, the sessions, the flags and the steps, each
#    with its source ids (a **verdict** is ok, caution or avoid).
# 3. Open the discussion and compare it with your answer.
#
# Terms: **PNS** is post-needling soreness; **MTrP** a myofascial trigger point.

# %% [markdown] slideshow={"slide_type": "notes"}
# Facilitator note: in a 90-minute session use two cases only, case 3 (Raynaud's, where the
# sources disagree) and case 4 (the lean runner, where the patient's own plan is the risk). Give
# small groups two minutes to decide before running the planner cell.

# %% jupyter={"source_hidden": true} slideshow={"slide_type": "skip"} tags=["hide-input"]
# %matplotlib inline
from aftercare import compare_alternatives
from aftercare.cases import get_case
from aftercare.charts import alternatives_chart, icing_timeline
from aftercare.present import plan_report, references, show, text_report
from aftercare.widgets import PlannerApp
from aftercare.widgets.quiz import quiz

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Case 1: A desk worker with a sore neck

# %% [markdown] slideshow={"slide_type": "notes"}
# Timing: about 3 minutes; running total 3 minutes.

# %% slideshow={"slide_type": "fragment"}
case = get_case("desk-worker-trapezius")
text_report(case.story())

# %% [markdown] slideshow={"slide_type": "fragment"}
# **Decide first**, then run the planner.

# %% slideshow={"slide_type": "subslide"}
plan = case.plan()
plan_report(plan)

# %% slideshow={"slide_type": "subslide"}
case.reveal()

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Case 2: Type 2 diabetes, low back

# %% [markdown] slideshow={"slide_type": "notes"}
# Timing: about 3 minutes; running total 6 minutes.

# %% slideshow={"slide_type": "fragment"}
case = get_case("diabetes-lumbar")
text_report(case.story())

# %% [markdown] slideshow={"slide_type": "fragment"}
# **Decide first**, then run the planner.

# %% slideshow={"slide_type": "subslide"}
plan = case.plan()
plan_report(plan)

# %% slideshow={"slide_type": "subslide"}
case.reveal()

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Case 3: Raynaud's and a sore forearm

# %% [markdown] slideshow={"slide_type": "notes"}
# Timing: about 3 minutes; running total 9 minutes.

# %% slideshow={"slide_type": "fragment"}
case = get_case("raynauds-forearm")
text_report(case.story())

# %% [markdown] slideshow={"slide_type": "fragment"}
# **Decide first**, then run the planner.

# %% slideshow={"slide_type": "subslide"}
plan = case.plan()
plan_report(plan)

# %% slideshow={"slide_type": "subslide"}
case.reveal()

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Case 4: A lean runner, needling near the knee

# %% [markdown] slideshow={"slide_type": "notes"}
# Timing: about 3 minutes; running total 12 minutes.

# %% slideshow={"slide_type": "fragment"}
case = get_case("lean-runner-fibular-head")
text_report(case.story())

# %% [markdown] slideshow={"slide_type": "fragment"}
# **Decide first**, then run the planner.

# %% slideshow={"slide_type": "subslide"}
plan = case.plan()
plan_report(plan)

# %% slideshow={"slide_type": "subslide"}
case.reveal()

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Case 5: Deep gluteal muscles and a thick layer of fat

# %% [markdown] slideshow={"slide_type": "notes"}
# Timing: about 3 minutes; running total 15 minutes.

# %% slideshow={"slide_type": "fragment"}
case = get_case("gluteal-thick-fat")
text_report(case.story())

# %% [markdown] slideshow={"slide_type": "fragment"}
# **Decide first**, then run the planner.

# %% slideshow={"slide_type": "subslide"}
plan = case.plan()
plan_report(plan)

# %% slideshow={"slide_type": "subslide"}
case.reveal()

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Case 6: An evening appointment and bedtime

# %% [markdown] slideshow={"slide_type": "notes"}
# Timing: about 3 minutes; running total 18 minutes.

# %% slideshow={"slide_type": "fragment"}
case = get_case("evening-appointment")
text_report(case.story())

# %% [markdown] slideshow={"slide_type": "fragment"}
# **Decide first**, then run the planner.

# %% slideshow={"slide_type": "subslide"}
plan = case.plan()
plan_report(plan)

# %% slideshow={"slide_type": "subslide"}
show(icing_timeline(plan))

# %% slideshow={"slide_type": "subslide"}
case.reveal()

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Case 7: A blood thinner, a bruise and a hot bath

# %% [markdown] slideshow={"slide_type": "notes"}
# Timing: about 3 minutes; running total 21 minutes.

# %% slideshow={"slide_type": "fragment"}
case = get_case("anticoagulant-hot-bath")
text_report(case.story())

# %% [markdown] slideshow={"slide_type": "fragment"}
# **Decide first**, then run the planner.

# %% slideshow={"slide_type": "subslide"}
plan = case.plan()
plan_report(plan)

# %% slideshow={"slide_type": "subslide"}
show(alternatives_chart(compare_alternatives(case.make_patient(), case.protocol)))

# %% slideshow={"slide_type": "subslide"}
case.reveal()

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Case 8: Diabetic neuropathy in an older adult

# %% [markdown] slideshow={"slide_type": "notes"}
# Timing: about 3 minutes; running total 24 minutes.

# %% slideshow={"slide_type": "fragment"}
case = get_case("neuropathy-older-adult")
text_report(case.story())

# %% [markdown] slideshow={"slide_type": "fragment"}
# **Decide first**, then run the planner.

# %% slideshow={"slide_type": "subslide"}
plan = case.plan()
plan_report(plan)

# %% slideshow={"slide_type": "subslide"}
case.reveal()

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Explore: change one thing
#
# Set up one of the patients in the planner app and change one detail at a time.
#
# - **Try 1:** (case 4) tick *Superficial nerve at the site with little fat* and set *Skinfold* to 4 mm. Then untick the
#   nerve. Which step disappears?
# - **Try 2:** (case 6) set *Needled at* to 19:00. Now move it to 21:30. Is there still a
#   session before bed?
# - **Try 3:** (case 3) tick *Raynaud's disease or phenomenon* and set *Protocol preset* to *early-cold*. Does the
#   verdict change? Why not?
# - **Try 4:** (case 8) tick *Diabetes mellitus*, *Peripheral neuropathy or impaired sensation at the site* and *Child or frail older adult*. Then
#   tick *Someone stays with the patient while cold or heat is on*. What changes for ice, and
#   why does heat stay ruled out?

# %% [markdown] slideshow={"slide_type": "notes"}
# Timing: about 4 minutes; running total 28 minutes.

# %% slideshow={"slide_type": "subslide"} tags=["nbval-ignore-output"]
PlannerApp(needled_at="09:00")

# %% [markdown] slideshow={"slide_type": "subslide"}
# **Think:** in which of the eight cases does the planner's answer rest mostly on an expert rule
# rather than on trial evidence?
#
# <details><summary>Show the answer</summary>
#
# Case 1 most clearly: the wait before the first ice comes from the article alone [pai-seed],
# and no trial tested it. Case 6's sleep rule is reasoning from case reports of injury with long
# or continuous icing [cryotherapy-chapter] [collins1986], not a trial. The classifications in
# cases 2, 3 and 8 rest on teaching lists [cameron-lists] (case 8 also on the planner's
# supervision rule, which turns "use cold only with someone checking the skin" into "avoid" for a
# patient who lives alone), and case 4 on case reports [malone1992]. Case 5 rests on measured
# cooling data [otte2002] and on reasoning from them that relief comes from the skin
# [bugaj1975], which no trial has tested; case 7 on the teaching lists' heat contraindications
# [cameron-lists]; and case 1's safety-netting on case reports of pneumothorax
# [evms-pneumothorax]. Almost nothing here comes from a trial of aftercare after needling,
# because few exist.
#
# </details>

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Evidence
#
# Each case names its sources in its discussion. Across the cases: [pai-seed] [bleakley2006]
# [diciolla2021] [cameron-lists] [deroyal-ifu] [malone1992] [moeller1997]
# [covington1993] [collins1986] [otte2002] [myrer2001] [bugaj1975] [vorawanthanachai]
# [cryotherapy-chapter] [brady2014] [boyce2020] [kunesch1987] [algafly2007] [aftercare-blogs];
# pneumothorax case reports [evms-pneumothorax] [radiolcr-pneumothorax] [weagle2021].

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Key points
#
# - Screen every patient for the factors before giving an ice plan; ask about sleep and about
#   their own plans for heat or long icing.
# - Caution means ice with extra steps and, often, a second person; when that person is needed
#   and nobody stays with the patient, the planner rules out self-applied ice and heat. Avoid
#   means offer another option, and the sheet names what not to use.
# - After needling near the neck or chest, safety-net for pneumothorax; with a blood thinner,
#   for a growing bruise or bleeding that will not stop.
# - Where the answer rests on an expert rule, say so to the patient and the team.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Self-check
#
# Choose an answer and press "Check answer". Without a live kernel, open "Show the answer".

# %% [markdown] slideshow={"slide_type": "notes"}
# Timing: about 2 minutes; running total 30 minutes.

# %% slideshow={"slide_type": "fragment"}
quiz(ids=["safety-nerve-palsy", "plan-sleep", "cool-fat"])

# %% [markdown] slideshow={"slide_type": "slide"}
# ---
# **Education, not individual medical advice.** This notebook teaches reasoning with published
# evidence; it does not replace clinical judgement for a particular patient.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## References

# %% slideshow={"slide_type": "fragment"}
references("06_case_studies.ipynb")
