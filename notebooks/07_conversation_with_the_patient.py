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
# # The conversation with the patient
#
# Much of aftercare is talk, not ice: what to tell a patient about the soreness to come, how to
# decide with them whether to use ice at all, how to measure and record what happens, how to
# hand over the sheet so it is understood, and when to send them elsewhere.
#
# **Education, not individual medical advice.** The example words below are suggestions for
# teaching; they are not scripts tested in a trial, and each clinic adapts them.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ## Learning objectives
#
# **Estimated time: 25 minutes.**
#
# By the end of this notebook you will be able to:
#
# 1. explain post-needling soreness in plain words: what to expect, for how long, and what the
#    studies found about worry and soreness, saying which study found what;
# 2. decide with a patient whether to use ice at all, and name what is uncertain;
# 3. measure soreness with a 0-10 rating at set times, and pressure pain threshold where a
#    device is available;
# 4. record the advice so that a colleague can check it;
# 5. hand over the sheet with teach-back, and safety-net: which signs mean urgent help, a doctor
#    or a review;
# 6. label common advice that has no evidence behind it.

# %% [markdown] slideshow={"slide_type": "notes"}
# Facilitator note: this notebook works best as role-play. Pair the group up: one plays the
# clinician, one the patient from the story below, then swap at section 5.

# %% jupyter={"source_hidden": true} slideshow={"slide_type": "skip"} tags=["hide-input"]
# %matplotlib inline
from aftercare import Patient, plan_icing
from aftercare.present import plan_report, references
from aftercare.sheet.warning_signs import warning_signs_table
from aftercare.widgets import PlannerApp
from aftercare.widgets.quiz import quiz

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 1. Explaining the soreness
#
# The patient in this notebook: a 45-year-old teacher, needled in the right upper trapezius at
# 16:00, with no other health problems. She asks: "How sore will I be, and for how long?"
#
# What the evidence lets you say:
#
# - **Expect it.** Everyone had some soreness after deep needling in a study of 60 healthy
#   volunteers [martinpintado2016], and most patients with neck pain had it
#   [martinpintado2018]. **Post-needling soreness (PNS)** is an ache deep in the needled muscle.
# - **It is worst early and eases fast.** It fell fastest between 6 and 12 hours after needling
#   [diciolla2021]; on average it lasts under 72 hours, a second-hand summary [diciolla2021].
# - **Bruises are common too**: about 1 treatment in 13 in two large surveys [brady2014]
#   [boyce2020].
#
# In plain words, for example: "Most people feel an ache like after a hard workout. It is
# usually worst tonight, eases a lot by tomorrow and is mostly gone in two or three days."

# %% [markdown] slideshow={"slide_type": "notes"}
# Timing: about 3 minutes; running total 3 minutes.
#
# Facilitator note: the comparison with a hard workout is an analogy, not a finding: exercise
# soreness and needling soreness feel alike but are not the same condition.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Worry and soreness: which study found what
#
# She adds: "I'm a worrier. Will that make it worse?" The needling studies do not agree.
#
# | Study | Who | What it found |
# |---|---|---|
# | Spray and stretch trial [martinpintado2014] | 70 healthy adults | Somatisation, anxiety, interpersonal sensitivity and hostility (questionnaire scores) **correlated** with soreness |
# | Dose trial [martinpintado2018] | 120 patients with neck pain | Psychological factors did **not** correlate with soreness intensity |
# | Earlier studies, summarised in a later trial [diciolla2021] | second-hand, medium confidence | Catastrophising may **lower** the intensity of soreness but **delay** its resolution |
#
# A correlation is not a cause, and the one positive finding was in healthy volunteers. In a
# review of trials, verbal suggestion did not reduce soreness [brady-pns-review].

# %% [markdown] slideshow={"slide_type": "notes"}
# Timing: about 2 minutes; running total 5 minutes.

# %% [markdown] slideshow={"slide_type": "subslide"}
# **Think:** how would you answer her question about worry?
#
# <details><summary>Show the answer</summary>
#
# Honestly and without blame: one trial in healthy volunteers found that people with higher
# anxiety and somatisation scores reported more soreness [martinpintado2014], a trial in
# patients found no link [martinpintado2018], and a summary suggests that catastrophising may
# make it last longer [diciolla2021]. None shows that worry causes the ache. Then give her the
# expected course and what to do if it goes differently; that this calms worry is reasonable
# but untested after needling.
#
# </details>

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 2. Deciding together: ice is optional
#
# She asks whether she "has to ice it". She does not:
#
# - The article says she need not use ice if it makes her feel worse, and offers heat, massage
#   and stretching instead [pai-seed].
# - The one trial of a cold gel pack for this soreness found it no better overall than the
#   alternatives, and worse straight after treatment [vorawanthanachai].
# - What is uncertain: no trial has tested the article's wait before ice, or whether ice helps
#   once soreness is already falling [pai-seed] [diciolla2021].
#
# So the choice is hers. The plan's times are the **earliest** she may use ice if she is sore.
#
# - **Try 1:** the app opens with her needling time. Read step 1 in *Steps and reasons*: what
#   does it say about ice?
# - **Try 2:** set *Hours since needling* to 3. When may she first use ice?
# - **Try 3:** tick *Peripheral neuropathy or impaired sensation at the site*. Which question
#   must you ask her before you tick *Someone stays with the patient*?

# %% [markdown] slideshow={"slide_type": "notes"}
# Timing: about 5 minutes; running total 10 minutes.

# %% slideshow={"slide_type": "subslide"} tags=["nbval-ignore-output"]
PlannerApp(needled_at="16:00")

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 3. Measuring soreness in practice
#
# The trials rated soreness on a 100 mm **visual analogue scale (VAS)** [martinpintado2015] or a
# 0-10 **numeric rating scale (NRS)** [vorawanthanachai], and some measured **pressure pain
# threshold (PPT)**, the pressure at which pressing on the muscle starts to hurt, with a
# pressure gauge [martinpintado2014].
#
# A practical routine, which is the suite's suggestion (no study compared schedules):
#
# 1. ask for a 0-10 rating of soreness before she leaves (0 h), and again at 24 and 48 hours,
#    by phone or message;
# 2. where a pressure gauge is available, measure PPT at the needled site before and after
#    needling, and at the next visit, always at the same spot;
# 3. write the numbers down with the times.
#
# Compare her course with the usual one: falling fastest 6 to 12 hours after needling, low by
# 48 hours [diciolla2021] [martinpintado2015]. A 0-10 rating is not the trials' 0-100 line, so compare
# the shape, not the numbers.

# %% [markdown] slideshow={"slide_type": "notes"}
# Timing: about 3 minutes; running total 13 minutes.

# %% [markdown] slideshow={"slide_type": "subslide"}
# **Think:** she rates her soreness 6 at 0 h, 6 at 24 h and 7 at 48 h. What do you do?
#
# <details><summary>Show the answer</summary>
#
# This is not the usual course: soreness normally falls fastest between 6 and 12 hours
# [diciolla2021] and is low by 48 hours [martinpintado2015]. Ask about the warning signs
# (section 6), and plan a review before the next session. More needle insertions went with more
# soreness [martinpintado2016], so the needling dose is one thing to look at.
#
# </details>

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 4. Documenting the advice
#
# A note that a colleague can check names the rules used, not only "aftercare given". The plan
# report gives the first items:

# %% [markdown] slideshow={"slide_type": "notes"}
# Timing: about 3 minutes; running total 16 minutes.

# %% slideshow={"slide_type": "fragment"}
plan = plan_icing(Patient(hours_since_needling=0, needled_at="16:00"))
plan_report(plan, steps=False)

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### What to record
#
# - **The protocol**: its name, version and effective date (the first line above).
# - **The factors screened**: which you asked about, and which were present.
# - **The sensation test** at the site (for example light touch, or warm and cold) and its
#   result: the neuropathy factor is about feeling at the site, so test it there (notebook 04).
# - **Who is at home** if a factor needs someone to stay while cold or heat is on.
# - **The sheet given**: language, patient or clinician copy, and that teach-back was done.
# - **The soreness ratings** (section 3) and any warning sign reported later.
#
# The clinician copy of the sheet (`--copy clinician`, next section) prints every rule, flag,
# step and warning sign with its basis and sources: file it with the note. Recording the basis
# lets a colleague review the advice independently [fda-cds2022].

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 5. Handing over the sheet with teach-back
#
# Print her sheet, and a clinician copy for the notes, from a patient file (`patient.json`):
#
# ```bash
# python -m aftercare handout --patient patient.json --out sheet.pdf
# python -m aftercare handout --patient patient.json --out record.pdf --copy clinician
# ```
#
# The sheet is kept at or below an 8th-grade reading level (NIH suggests below 8th grade for
# patient material [nih-readability]). Then use **teach-back** [ahrq-toolkit]: ask her to
# explain, in her own words, what she will do and when she will call. If something is missing,
# explain it again differently and ask again: it is a check on your explanation, not a test of
# her. Keep to about three key points in a visit [afp2015], for example:
# ice is optional and never on bare skin or while asleep; the soreness should ease within about
# three days; the warning signs and whom to call.

# %% [markdown] slideshow={"slide_type": "notes"}
# Timing: about 4 minutes; running total 20 minutes.
#
# Facilitator note: example teach-back prompts (suggestions, not tested wording): "So that I
# know I explained it well, tell me how you will use the ice tonight" and "What would make you
# call us, and what would make you go straight to emergency care?" Swap roles and practise
# both.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 6. Safety-netting and when to refer
#
# Every sheet prints the warning signs that apply to its patient, each under the heading of
# where it sends them. The table below is the same list, read from the same data file: what the
# patient does first, where the sign goes, and on which sheets it is printed. Go through it at
# hand-over.

# %% [markdown] slideshow={"slide_type": "notes"}
# Timing: about 2 minutes; running total 22 minutes.

# %% slideshow={"slide_type": "fragment"}
warning_signs_table()

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Where the routing comes from
#
# - **Pneumothorax**: case reports describe it after needling of the back of the neck and of the
#   chest, from about 2 hours to the next day [evms-pneumothorax] [radiolcr-pneumothorax]
#   [weagle2021]. Her needling was at the base of the neck, so name this sign to her first.
# - **The pressing time** for a bleeding needle site is borrowed from NHS first-aid advice for
#   cuts [portsmouth-bleeding]; no needling survey gives one [brady2014] [boyce2020].
# - **Infection**: no needling source reports it; the sign and its routing come from NHS
#   skin-infection advice [nhs-cellulitis], which is why its confidence is low.
# - **Signs tied to the patient**: the clot signs are printed only with a clot at the site
#   [gloshospitals-dvt], the burn sign only where heat is offered [redcross-burns], and the
#   two ice signs only where ice is offered [malone1992].
# - **Soreness that has not eased after about 3 days**: at the review, look at the needling
#   dose too [diciolla2021] [martinpintado2016].

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 7. Common advice with no evidence behind it
#
# Aftercare handouts often add rules that no trial supports [aftercare-blogs]. If you pass one
# on, say that it is a habit, not evidence.
#
# | Advice often given in handouts [aftercare-blogs] | What the evidence says |
# |---|---|
# | "Drink plenty of water to flush out toxins" | no supporting evidence found |
# | "Avoid alcohol and caffeine for a day" | no supporting evidence found |
# | "Rest; no exercise for 24 hours" | exercise after needling neither helped nor harmed soreness [diciolla2021] |
# | "No heat or hot baths for 24-48 hours" | no needling trial; notebook 09 sets out both sides |

# %% [markdown] slideshow={"slide_type": "notes"}
# Timing: about 1 minute; running total 23 minutes.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Evidence
#
# The soreness course: [martinpintado2016] [martinpintado2018] [diciolla2021]
# [martinpintado2015]. Worry and soreness: [martinpintado2014] [martinpintado2018]
# [diciolla2021]; verbal suggestion [brady-pns-review]. Ice optional: [pai-seed]
# [vorawanthanachai]. Measuring: [martinpintado2015] [vorawanthanachai] [martinpintado2014].
# Hand-over: [ahrq-toolkit] [afp2015] [nih-readability] [fda-cds2022]. Warning signs:
# [evms-pneumothorax] [radiolcr-pneumothorax] [weagle2021] [brady2014] [boyce2020]
# [malone1992] [portsmouth-bleeding] [nhs-cellulitis] [gloshospitals-dvt] [redcross-burns].
# Unsupported advice: [aftercare-blogs]. The wording and the measuring routine are
# the suite's suggestions; no trial tested them.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Key points
#
# - Tell patients to expect soreness that is worst early, falls fastest between 6 and 12 hours
#   and usually settles within about 3 days.
# - Say which study found what about worry: a link in one trial, none in another, a second-hand
#   hint that catastrophising slows recovery.
# - Ice is optional; decide with the patient, and say what is uncertain.
# - Rate soreness 0-10 at 0, 24 and 48 hours; record protocol, factors, sensation test and the
#   sheet given.
# - Hand over with teach-back and safety-net: chest symptoms mean emergency care.
# - Label advice with no evidence behind it as such.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Self-check
#
# Choose an answer and press "Check answer". Without a live kernel, open "Show the answer".

# %% [markdown] slideshow={"slide_type": "notes"}
# Timing: about 2 minutes; running total 25 minutes.

# %% slideshow={"slide_type": "fragment"}
quiz("conversation")

# %% [markdown] slideshow={"slide_type": "slide"}
# ---
# **Education, not individual medical advice.** This notebook teaches reasoning with published
# evidence; it does not replace clinical judgement for a particular patient.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## References

# %% slideshow={"slide_type": "fragment"}
references("07_conversation_with_the_patient.ipynb")
