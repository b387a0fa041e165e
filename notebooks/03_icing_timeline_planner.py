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
# # The icing timeline planner
#
# How the planner turns a protocol's rules and a patient's details into a schedule of ice
# sessions, and how each rule shapes that schedule.
#
# **Education, not individual medical advice.** A printed plan is a draft for a clinician to
# check against the patient in front of them.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ## Learning objectives
#
# **Estimated time: 25 minutes.**
#
# By the end of this notebook you will be able to:
#
# 1. name the rules of a protocol and the source behind each one;
# 2. predict how the wait, the session cap, the spacing, the nights and the plan length change a
#    patient's schedule;
# 3. read a plan's verdict, flags and steps and trace each to its sources;
# 4. use the planner app to plan for a patient and print the schedule.

# %% jupyter={"source_hidden": true} slideshow={"slide_type": "skip"} tags=["hide-input"]
# %matplotlib inline
from aftercare import Patient, load_protocol, plan_icing
from aftercare.charts import icing_timeline
from aftercare.present import plan_report, references, rule_table, sessions_table, show
from aftercare.widgets import PlannerApp
from aftercare.widgets.quiz import quiz

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 1. The rules of the protocol
#
# A **protocol** is a file in `data/protocols/` with one rule per line of the schedule. Each rule
# has a value, the ids of its sources and a basis in words. The suite's default protocol follows
# the source article [pai-seed] and fills its gaps from the evidence, saying so in each basis; a
# clinic that set its own protocol (notebook 09) sees its own rules here.

# %% [markdown] slideshow={"slide_type": "notes"}
# Timing: about 4 minutes; running total 4 minutes.

# %% slideshow={"slide_type": "fragment"}
default = load_protocol()
rule_table(default, basis=False)

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Why each number: timing
#
# Each rule's basis, in full (the next three slides hold the rest).

# %% slideshow={"slide_type": "fragment"}
rule_table(default, ["wait_hours", "interval_hours", "max_sessions_per_day"])

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Why each number: length of the plan and of a session

# %% slideshow={"slide_type": "fragment"}
rule_table(default, ["plan_hours", "max_session_minutes", "factor_max_session_minutes"])

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Why each number: what goes on the skin

# %% slideshow={"slide_type": "fragment"}
rule_table(default, ["barrier", "modality"])

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Why each number: skin checks, heat and the patient's day

# %% slideshow={"slide_type": "fragment"}
rule_table(default, ["heat_max_minutes", "skin_check_minutes",
                     "day_starts", "night_starts"])

# %% [markdown] slideshow={"slide_type": "subslide"}
# **Think:** which of these rules come from the article itself, and which did the suite have to
# fill in from elsewhere?
#
# <details><summary>Show the answer</summary>
#
# The article gives the wait ("a few hours"), the 20-minute cap and the towel barrier [pai-seed].
# It gives no number of hours, no spacing between sessions, no limit per day and no plan
# length. The suite reads "a few" as 3 hours, takes 2-hourly spacing from an ankle-sprain trial
# [bleakley2006], allows at most 4 sessions a day (handouts say "several times a day"
# [aftercare-blogs]) and stops the plan at 48 hours, when soreness in the untreated group of one
# trial was already low [martinpintado2015]. These rules carry `protocol_choice: true`: the
# sources inform them but do not settle them. Ice itself is optional: the times are the earliest
# a sore patient may use it.
#
# </details>

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 2. A typical patient
#
# A patient with no health problems is needled at 09:00 and keeps the protocol's default waking
# hours. Here is the first day of the plan, as the clinician would read it out. Each time is the
# **earliest** time ice may be used if the area is sore: ice is optional, and a patient who is
# not sore needs none.

# %% [markdown] slideshow={"slide_type": "notes"}
# Timing: about 4 minutes; running total 8 minutes.

# %% slideshow={"slide_type": "fragment"}
typical = plan_icing(Patient(hours_since_needling=0, needled_at="09:00"), default)
sessions_table(typical, day=1)

# %% slideshow={"slide_type": "subslide"}
show(icing_timeline(typical))

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 3. How each rule shapes the timeline
#
# ### The wait
#
# The first session starts no earlier than the wait after needling. If the patient is seen
# later, for example 5 hours after needling (14:00), the plan starts from now.

# %% [markdown] slideshow={"slide_type": "notes"}
# Timing: about 8 minutes; running total 16 minutes.

# %% jupyter={"source_hidden": true} slideshow={"slide_type": "fragment"} tags=["hide-input"]
later = plan_icing(Patient(hours_since_needling=5, needled_at="09:00"), default)
sessions_table(later, day=1)

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### The session cap and the spacing
#
# Every session lasts at most the cap and starts at least the spacing after the start of the one
# before, and a day holds at most `max_sessions_per_day` sessions (all three are in the table of
# rules), which is why the first day above ends hours before the patient's bedtime. Those
# numbers fix the rhythm of the plan. To see the spacing at work, make a copy of the protocol in
# memory with sessions every 3 hours
# (notebook 09 shows how a clinic does this in a file) and compare the first day.

# %% jupyter={"source_hidden": true} slideshow={"slide_type": "fragment"} tags=["hide-input"]
every3 = default.with_values("every-3-hours", interval_hours=3)
sessions_table(plan_icing(Patient(hours_since_needling=0, needled_at="09:00"), every3), day=1)

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### The nights
#
# The planner never places a session while the patient is asleep: a sleeping person cannot
# notice numbness [cryotherapy-chapter]. A patient needled at 19:00 who sleeps from 23:00 to
# 06:30 gets one session before bed, and the plan resumes in the morning. The waking hours are
# given as a pair ("HH:MM"), and they must leave a night: a single time, or two times only
# minutes apart, is refused with an error that names the field to fix.

# %% slideshow={"slide_type": "fragment"}
evening = Patient(needled_at="19:00", awake_from="06:30", asleep_from="23:00")
sessions_table(plan_icing(evening, default), day=[1, 2])

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Patient factors: caution and avoid
#
# A factor such as diabetes turns the verdict to **caution**: ice is allowed with extra steps,
# such as skin checks every few minutes. A factor such as Raynaud's turns it to **avoid**: no
# ice, and the plan lists other options instead. The app below lists every step; notebook 04
# covers every factor.

# %% slideshow={"slide_type": "fragment"}
diabetes = Patient(hours_since_needling=0, needled_at="09:00", diabetes=True)
plan_report(plan_icing(diabetes, default), steps=False)

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 4. Explore: the planner app
#
# The app holds one patient. Change the controls and watch the timeline and the steps below it.
#
# - **Try 1:** move *Hours since needling* from 0 to 6. When does the first session start now?
# - **Try 2:** set *Needled at* to 21:00. How many sessions are left on day 1?
# - **Try 3:** tick *Diabetes mellitus*. Which new step appears, and how often should the skin be checked?
# - **Try 4:** also tick *Raynaud's disease or phenomenon*. What is the verdict, and which options are offered?
# - **Try 5:** set *Protocol preset* to *early-cold*. What changes, and what stays the same?

# %% [markdown] slideshow={"slide_type": "notes"}
# Timing: about 6 minutes; running total 22 minutes.

# %% slideshow={"slide_type": "subslide"} tags=["nbval-ignore-output"]
PlannerApp(needled_at="09:00")

# %% [markdown] slideshow={"slide_type": "subslide"}
# **Think:** in Try 5 the early-cold protocol drops the wait. Does that make it the better
# protocol?
#
# <details><summary>Show the answer</summary>
#
# Not by itself. Neither practice has been compared in a trial of icing after needling. The
# early-cold preset follows clinic handouts and the trials that applied cold at once
# [aftercare-blogs] [martinpintado2014], and the one cold-pack trial found no overall benefit
# over the alternatives [vorawanthanachai]. Notebook 09 looks at this disagreement.
#
# </details>

# %% [markdown] slideshow={"slide_type": "notes"}
# Facilitator note: in groups of three, give each group one patient from notebook 06 and ask them
# to set the app for that patient and read the plan aloud as they would to the patient.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Evidence
#
# Protocol rules: [pai-seed] [bleakley2006] [cryotherapy-chapter] [martinpintado2016]
# [diciolla2021]; barrier [damptowel-study] [ichikawa2024]; early cold [aftercare-blogs]
# [martinpintado2014] [vorawanthanachai]. The spacing comes from an ankle-sprain trial, not from
# needling.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Key points
#
# - A plan is the protocol's rules applied to one patient's day; every step names its sources.
# - The wait, cap, spacing, nights and plan length each change the schedule in a predictable way.
# - Caution keeps ice with extra steps; avoid removes it and offers alternatives.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Self-check
#
# Choose an answer and press "Check answer". Without a live kernel, open "Show the answer".

# %% [markdown] slideshow={"slide_type": "notes"}
# Timing: about 3 minutes; running total 25 minutes.

# %% slideshow={"slide_type": "fragment"}
quiz("planner")

# %% [markdown] slideshow={"slide_type": "slide"}
# ---
# **Education, not individual medical advice.** This notebook teaches reasoning with published
# evidence; it does not replace clinical judgement for a particular patient.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## References

# %% slideshow={"slide_type": "fragment"}
references("03_icing_timeline_planner.ipynb")
