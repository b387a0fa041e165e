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
# # Patient factors and safety: caution or avoid
#
# Which patient factors call for care with ice, which rule it out, what to watch on the skin,
# and where the source article and the textbooks classify a factor differently.
#
# **Education, not individual medical advice.** The factor labels are drafts for teaching; a
# clinic should confirm them locally before using them with patients.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ## Learning objectives
#
# **Estimated time: 25 minutes.**
#
# By the end of this notebook you will be able to:
#
# 1. tell a precaution (caution) from a contraindication (avoid) and say what each means for a
#    plan;
# 2. classify diabetes, neuropathy and Raynaud's for cold, and explain where the article and
#    the teaching lists differ;
# 3. name the other factors that restrict cold or heat;
# 4. list the skin and nerve signs that mean "take the ice off now".

# %% jupyter={"source_hidden": true} slideshow={"slide_type": "skip"} tags=["hide-input"]
# %matplotlib inline
from aftercare import Patient, plan_icing
from aftercare.charts import icing_timeline
from aftercare.present import factor_table, references, show, verdict_table
from aftercare.widgets import PlannerApp
from aftercare.widgets.quiz import quiz

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 1. Caution and avoid
#
# Textbooks sort risks into two groups:
#
# - A **precaution** means the treatment may be used with extra care: a smaller area, shorter
#   time, more frequent skin checks, or someone present. The planner calls this **caution**.
# - A **contraindication** means the treatment should not be used. The planner calls this
#   **avoid** and offers other options.
#
# The article names three conditions for care with ice: diabetes, neuropathy and Raynaud's
# [pai-seed]. Teaching summaries of a standard physical-agents textbook classify them, and many
# more, for both cold and heat [cameron-lists]; a Canadian consensus document covers the same
# ground, though its recommendation wording was not read for this suite [houghton2010].

# %% [markdown] slideshow={"slide_type": "notes"}
# Timing: about 3 minutes; running total 3 minutes.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 2. The article's three conditions
#
# | Condition | Article [pai-seed] | Teaching lists [cameron-lists] | Suite default |
# |---|---|---|---|
# | Diabetes | be careful, watch the skin | not listed itself; the risks come with neuropathy and poor circulation | caution |
# | Neuropathy (reduced feeling) | be careful, watch the skin | cold: precaution; heat: contraindication | cold caution only with someone who stays (avoid alone), heat avoid |
# | Raynaud's | be careful, watch the skin | cold: contraindication | avoid |
#
# A cold-therapy device leaflet goes further and lists diabetes as a reason not to use its
# device [deroyal-ifu]; it is one device's instructions, so its confidence is low.
#
# **Who checks the skin?** "Precaution" for cold with impaired sensation means someone checks
# the skin often [cameron-lists]. The planner makes that a rule: a factor whose instruction
# needs someone to stay with the patient (neuropathy, cognitive impairment, a young child or
# frail older person) rules out self-applied cold and heat unless the patient record says
# someone does (`Patient(has_helper=True)`). Below, the neuropathy plan is for a patient on
# their own, then with a helper.

# %% [markdown] slideshow={"slide_type": "notes"}
# Timing: about 6 minutes; running total 9 minutes.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### The three plans side by side
#
# The same patient, needled at 09:00, with one condition each. Read the verdict and the flag.

# %% jupyter={"source_hidden": true} slideshow={"slide_type": "fragment"} tags=["hide-input"]
patients = [Patient(diabetes=True), Patient(neuropathy=True), Patient(raynauds=True)]
patients.append(Patient(neuropathy=True, has_helper=True))  # someone stays with them
verdict_table([plan_icing(p) for p in patients])  # needled at 09:00, ice from hour 0

# %% [markdown] slideshow={"slide_type": "subslide"}
# **Think:** why does the suite's default treat Raynaud's as "avoid" when the article says only
# "be careful"?
#
# <details><summary>Show the answer</summary>
#
# Where the sources disagree, the default follows the stricter reading and says so. In
# Raynaud's the small vessels of the fingers and toes clamp down in the cold; four independent
# teaching summaries of a standard textbook list it as a contraindication to cold
# [cameron-lists]. The article gives no reason for its milder wording [pai-seed]. A clinic may
# choose otherwise in its own protocol file (notebook 09), but should record why.
#
# </details>

# %% [markdown] slideshow={"slide_type": "notes"}
# Facilitator note: before revealing the table, ask the group to sort diabetes, neuropathy and
# Raynaud's into "caution" or "avoid" for ice. Most groups put Raynaud's under caution, as the
# article does; use the disagreement to introduce notebook 09.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 3. All the factors
#
# The full table, from `data/factors.csv` and `data/factor_levels.csv`, with each factor's level
# for cold, heat, massage and stretching and whether it needs a helper. A factor can restrict
# one option and not another: a bleeding tendency restricts heat, not ice; Raynaud's restricts
# ice, not heat; a clot in a vein restricts heat and massage. The patient's sheet names every
# option a factor rules out in a "Do not use" box, with its plain reason.

# %% [markdown] slideshow={"slide_type": "notes"}
# Timing: about 5 minutes; running total 14 minutes.

# %% jupyter={"source_hidden": true} slideshow={"slide_type": "fragment"} tags=["hide-input"]
factor_table()

# %% [markdown] slideshow={"slide_type": "subslide"}
# Terms in the table: **Cold urticaria or cold hypersensitivity** (hives after cold), **cryoglobulinaemia** (blood
# proteins that clump in the cold), **paroxysmal cold haemoglobinuria** (red cells that break
# down after cold), **peripheral vascular disease** (poor blood flow in the limbs), and a
# **Superficial nerve at the site with little fat** (a nerve close to the skin with little fat over it, as at the outer
# knee). Each level carries the sources that say it. Most rest on the teaching lists
# [cameron-lists], with medium confidence; the consensus document is not cited for a level
# because its wording was not read [houghton2010]. The superficial-nerve caution rests on case
# reports of nerve palsy after icing [malone1992] [moeller1997] [covington1993] [collins1986],
# and the protocol shortens the session for it (10 minutes in the default). Where no source read
# settles a level (massage over a clot, heat or massage over an infection), the table marks it
# as the protocol's choice.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 4. What to watch on the skin
#
# During and after each session, the patient (or someone with them) looks at the skin and
# notices how it feels. Take the ice off at once if:
#
# - the skin turns **white, grey or blotchy**, or blisters;
# - the skin goes **numb**: pain relief begins as the skin cools [bugaj1975], but below about
#   10 °C most of the skin's touch receptors become less sensitive (49 of 52 in one study)
#   [kunesch1987], so the skin's warnings weaken just when they matter;
# - near the outer knee or elbow, the hand or foot **tingles, feels numb or weak**: nerve palsies
#   have followed icing over lean sites [malone1992] [moeller1997].
#
# Some redness that fades as the skin warms is usual. With a caution factor, the planner asks
# for skin checks every few minutes during each session.

# %% [markdown] slideshow={"slide_type": "notes"}
# Timing: about 4 minutes; running total 18 minutes.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 5. Explore: factors in the planner
#
# A static plan for a typical caution case comes first, then the app.

# %% [markdown] slideshow={"slide_type": "notes"}
# Timing: about 5 minutes; running total 23 minutes.

# %% slideshow={"slide_type": "subslide"}
diabetes = Patient(hours_since_needling=0, needled_at="09:00", diabetes=True)
show(icing_timeline(plan_icing(diabetes)))

# %% [markdown] slideshow={"slide_type": "subslide"}
# - **Try 1:** tick *Superficial nerve at the site with little fat*. Which step tells the patient how to apply the pack?
# - **Try 2:** tick *Bleeding disorder or anticoagulant medicine* only. Is ice still allowed? What happens to heat in the list
#   of options?
# - **Try 3:** tick *Peripheral neuropathy or impaired sensation at the site* and then *Cognitive or communication impairment or sedation*. Who must be present during a
#   session?
# - **Try 4:** tick *Cold urticaria or cold hypersensitivity*. Which alternatives are offered, and why is a cooling spray
#   not one of them?

# %% slideshow={"slide_type": "subslide"} tags=["nbval-ignore-output"]
PlannerApp(needled_at="09:00")

# %% [markdown] slideshow={"slide_type": "subslide"}
# **Think:** a patient with diabetic neuropathy in the feet has needling of the upper back. Does
# the neuropathy factor apply?
#
# <details><summary>Show the answer</summary>
#
# The factor is about feeling **at the site** being treated. If sensation over the upper back is
# normal, the neuropathy rule does not apply there, though diabetes still calls for caution
# [pai-seed] [cameron-lists]. Test sensation at the site rather than assume it from the
# diagnosis.
#
# </details>

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Evidence
#
# Classification: [cameron-lists] (medium; four teaching summaries agree), [houghton2010]
# (medium; wording not read), [deroyal-ifu] (low; one device), [pai-seed]. Skin and nerve signs:
# [bugaj1975] [kunesch1987] [malone1992] [moeller1997] [covington1993] [collins1986]. The labels
# need local clinical sign-off before use with patients.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Key points
#
# - Caution keeps ice with extra care; avoid removes it and offers other options.
# - Raynaud's and the cold-sensitivity conditions are "avoid" for ice; diabetes is "caution"
#   for ice; neuropathy is "caution" for ice only with someone who stays (otherwise "avoid"),
#   and "avoid" for heat.
# - Skin white, grey, blotchy, blistered or numb, or tingling or weakness near a lean joint:
#   ice off at once.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Self-check
#
# Choose an answer and press "Check answer". Without a live kernel, open "Show the answer".

# %% [markdown] slideshow={"slide_type": "notes"}
# Timing: about 2 minutes; running total 25 minutes.

# %% slideshow={"slide_type": "fragment"}
quiz("safety")

# %% [markdown] slideshow={"slide_type": "slide"}
# ---
# **Education, not individual medical advice.** This notebook teaches reasoning with published
# evidence; it does not replace clinical judgement for a particular patient.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## References

# %% slideshow={"slide_type": "fragment"}
references("04_patient_factors_and_safety.ipynb")
