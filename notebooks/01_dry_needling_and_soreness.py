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
# # Dry needling and post-needling soreness
#
# What a patient can expect in the hours and days after dry needling: how often soreness,
# bruising and bleeding occur, how long soreness lasts, and what changes it.
#
# **Education, not individual medical advice.** The numbers below come from studies of groups of
# people; they describe what is common, not what will happen to one patient.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ## Learning objectives
#
# **Estimated time: 20 minutes.**
#
# By the end of this notebook you will be able to:
#
# 1. describe what usually happens in the first three days after dry needling;
# 2. quote how often mild adverse events, bruising and bleeding were reported in two large
#    surveys, and say why those figures may be low;
# 3. explain why the suite shows soreness as measured points and the window of fastest fall,
#    not a smooth curve;
# 4. name the factors linked to more soreness and the options tested to reduce it;
# 5. recognise the rare warning signs that need urgent assessment.

# %% jupyter={"source_hidden": true} slideshow={"slide_type": "skip"} tags=["hide-input"]
# %matplotlib inline
from aftercare import Patient, plan_icing
from aftercare.charts import icing_timeline
from aftercare.present import points_table, references, show
from aftercare.widgets import PlannerApp
from aftercare.widgets.quiz import quiz

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 1. What happens after needling
#
# In **dry needling (DN)** a thin solid needle is passed into a **myofascial trigger point
# (MTrP)**, a tender, taut spot in a muscle. The needle is often moved in and out, which can
# produce a **local twitch response (LTR)**, a brief visible twitch of the muscle.
#
# Afterwards most people feel an ache or tenderness in the needled muscle. This is called
# **post-needling soreness (PNS)**. In an observational study of 60 healthy volunteers needled
# in the upper trapezius, every participant had some soreness [martinpintado2016]. Small bruises
# and spots of bleeding at needle sites are also common.
#
# The source article lists several benefits of needling and of ice [pai-seed]; it gives no
# references for them, and this suite does not test those claims. It focuses on aftercare.

# %% [markdown] slideshow={"slide_type": "notes"}
# Timing: about 3 minutes; running total 3 minutes.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 2. How often: soreness, bruising and bleeding
#
# Two large surveys asked physiotherapists to record every event after their needling sessions.
#
# | Event | Irish survey, 7,629 treatments [brady2014] | US survey, about 20,464 sessions [boyce2020] |
# |---|---|---|
# | Any mild or minor event | 19.18 % | 36.7 % |
# | Bruising | 7.55 % | 7.7 % |
# | Bleeding | 4.65 % | 16 % |
# | Pain after treatment | 2.19 % | not in the evidence summary used here |
# | Significant or major events | none | 20 events, about 1 per 1,024 sessions |
#
# In a third survey, US therapists estimated that minor events follow 39.6 % of their treatments
# [gattie2020].

# %% [markdown] slideshow={"slide_type": "notes"}
# Timing: about 4 minutes; running total 7 minutes.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Reading these numbers with care
#
# - Both surveys relied on the therapists' own reports, which can miss what a patient notices
#   later at home, so treat the figures as a floor rather than an exact rate.
# - The surveys defined and recorded events differently (both counted bleeding, but it was 16 %
#   of sessions in the US survey against 4.65 % of treatments in the Irish one), so the "any
#   event" rows are not directly comparable.
# - Bruising is the best agreed figure: about 1 treatment in 13 in both surveys.

# %% [markdown] slideshow={"slide_type": "notes"}
# Facilitator note: ask the group how often they think their own patients bruise after needling,
# before showing the table. Most groups guess lower than 1 in 13.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 3. How long soreness lasts
#
# Soreness is usually measured on a **visual analogue scale (VAS)**, a 100 mm line on which the
# patient marks how sore they are (0 is no soreness), or on a **numeric rating scale (NRS)**
# from 0 to 10.
#
# - Soreness was followed for 72 hours in healthy volunteers [martinpintado2016], and rated
#   every day for a week in patients with neck pain [martinpintado2018].
# - It fell fastest **between 6 and 12 hours** after needling [diciolla2021].
# - Earlier work is summarised as lasting **under 72 hours on average** [diciolla2021]; this is
#   a second-hand summary, so its confidence is medium.
# - In the control group of one trial, soreness was 34.8 on the VAS just after treatment and 3.8
#   at 48 hours [martinpintado2015]. The 6, 12, 24 and 72-hour values were not available.

# %% [markdown] slideshow={"slide_type": "notes"}
# Timing: about 4 minutes; running total 11 minutes.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### The measured points
#
# These are all the soreness means available: one trial, three groups, two time points each
# [martinpintado2015]. The "±" spread may be a standard error rather than a standard deviation.

# %% slideshow={"slide_type": "fragment"}
points_table()

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Why there is no smooth soreness curve here
#
# No study in the evidence gives soreness at every time point (0, 6, 12, 24, 48 and 72 hours) in
# one table. A smooth curve through two points would invent the shape in between; a simple decay
# curve would even put the fastest fall at 0 hours, which contradicts the 6-12 hour finding
# [diciolla2021]. The chart below therefore shows, on the timeline of a typical patient, only
# what was measured: the two means as points [martinpintado2015] and the 6-12 hour window of
# fastest fall as a shaded band [diciolla2021]. Nothing joins the points.

# %% slideshow={"slide_type": "subslide"}
show(icing_timeline(plan_icing(Patient(hours_since_needling=0, needled_at="09:00"))))

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 4. What changes soreness
#
# ### Linked to more soreness
#
# - More needle insertions, more pain during needling, and female sex, in healthy volunteers
#   [martinpintado2016].
# - In patients with neck pain, most had soreness and it changed strongly over time
#   [martinpintado2018]; a later summary reports more soreness when 6 or more twitch responses
#   were elicited [diciolla2021].

# %% [markdown] slideshow={"slide_type": "notes"}
# Timing: about 4 minutes; running total 15 minutes.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Tested to reduce it
#
# Most trials studied healthy volunteers with a trigger point in the upper trapezius.
#
#
# - **Ischaemic compression** (firm sustained pressure on the trigger point) straight after
#   needling: VAS 20.1 against 34.8 in controls just after treatment, and a shorter duration of
#   soreness [martinpintado2015].
# - **Spray and stretch** (a cooling spray with a passive stretch): less soreness only
#   immediately after treatment; no difference from 6 hours on [martinpintado2014].
# - **Percutaneous electrical nerve stimulation (PENS)** added to needling: less soreness
#   immediately and in the short term [leonhernandez2016].
# - **Exercise** after needling: no difference between types of exercise [diciolla2021].
# - **Cold gel pack**: no better overall than diclofenac spray or spray and stretch, and worse
#   than both immediately after treatment [vorawanthanachai].
#
# A systematic review of 8 **randomised controlled trials (RCTs)** found benefit for eccentric
# exercise, percutaneous neuromodulation, spray and stretch and ischaemic compression; it named
# no heat or ice-pack trial [brady-pns-review].

# %% [markdown] slideshow={"slide_type": "subslide"}
# **Think:** the article recommends ice to reduce swelling after needling. Which outcome did the
# needling trials measure, and what does that mean for the swelling claim?
#
# <details><summary>Show the answer</summary>
#
# The trials measured soreness (pain on a VAS or NRS) and pressure pain thresholds, not swelling
# [martinpintado2014] [martinpintado2015]. No trial in the evidence measured swelling after
# needling, so the claim that ice reduces swelling here is untested, not disproved. What was
# tested, a cold gel pack for soreness, did no better than the alternatives [vorawanthanachai].
#
# </details>

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 5. Explore: soreness and the first day
#
# The planner app shows one patient's first days: soreness points, the wait, the ice sessions and
# the nights. Use the tasks below; the app redraws as you change a control.
#
# - **Try 1:** set *Hours since needling* to 8. Where is the "now" line against the shaded band
#   of steepest fall (6 to 12 hours)?
# - **Try 2:** set *Needled at* to 18:00. How many ice sessions fit in the first evening?
# - **Try 3:** tick a factor such as Raynaud's. What happens to the ice sessions, and what is
#   offered instead?

# %% [markdown] slideshow={"slide_type": "notes"}
# Timing: about 3 minutes; running total 18 minutes.

# %% slideshow={"slide_type": "subslide"} tags=["nbval-ignore-output"]
PlannerApp()

# %% [markdown] slideshow={"slide_type": "subslide"}
# **Think:** a patient phones at 20 hours after needling. The ache is milder than last night but
# there is a bruise the size of a coin. Is this expected?
#
# <details><summary>Show the answer</summary>
#
# Yes, both are common. Soreness falls fastest between 6 and 12 hours and usually settles within
# about three days [diciolla2021], and bruising followed about 1 treatment in 13 in two surveys
# [brady2014] [boyce2020]. What would not be expected is new chest pain or breathlessness (next
# section).
#
# </details>

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 6. Rare warning signs
#
# Serious events are rare, about 1 in 1,024 sessions in the US survey [boyce2020], but some must
# be recognised. Case reports describe a **pneumothorax** (air leaking around the lung) after
# dry needling, with chest pain on breathing, breathlessness or coughing blood:
#
# - after needling of the back of the chest, chest pain about 2 hours later (read in a summary
#   only) [radiolcr-pneumothorax];
# - after needling for back pain, pleuritic chest pain the next day [weagle2021];
# - after needling of the back of the neck, pain and breathlessness for 2 days before it was
#   found [evms-pneumothorax];
# - in both lungs, with no timing given [irmedj2022].
#
# Such symptoms need urgent medical assessment, not ice. The patient sheet names the front of
# the chest and the shoulders too, because the lung lies beneath them; that is the protocol's
# choice, not a reported site.

# %% [markdown] slideshow={"slide_type": "notes"}
# Timing: about 1 minute; running total 19 minutes.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Evidence
#
# Incidence: [brady2014] [boyce2020] [gattie2020]. Time course and risk factors:
# [martinpintado2016] (observational) [martinpintado2018] [diciolla2021] [martinpintado2015].
# Interventions: [martinpintado2014] [martinpintado2015] [leonhernandez2016] [vorawanthanachai]
# [brady-pns-review]. Red flags: [radiolcr-pneumothorax] [weagle2021] [evms-pneumothorax]
# [irmedj2022] (case reports). Most studies were of healthy volunteers with a latent trigger
# point in the upper trapezius; patients may differ.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Key points
#
# - Nearly everyone is sore after needling; it is worst early, falls fastest at 6-12 hours and
#   usually settles within about 3 days.
# - Bruising follows about 1 treatment in 13; significant events are rare.
# - Only measured soreness points and the 6-12 hour band are shown; no study gives a complete
#   time course, so no curve is drawn.
# - Clinician-applied options (ischaemic compression, spray and stretch, PENS) have the best
#   trial support; a cold pack did no better than the alternatives.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Self-check
#
# Choose an answer and press "Check answer". Without a live kernel, open "Show the answer".

# %% [markdown] slideshow={"slide_type": "notes"}
# Timing: about 1 minute; running total 20 minutes.

# %% slideshow={"slide_type": "fragment"}
quiz("soreness")

# %% [markdown] slideshow={"slide_type": "slide"}
# ---
# **Education, not individual medical advice.** This notebook teaches reasoning with published
# evidence; it does not replace clinical judgement for a particular patient.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## References

# %% slideshow={"slide_type": "fragment"}
references("01_dry_needling_and_soreness.ipynb")
