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
# # Self-check: aftercare after dry needling
#
# Twenty-five questions across the suite, each answered with a short explanation and the
# sources behind it.
#
# **Education, not individual medical advice.** The questions test understanding of the
# evidence; they are not a competence assessment.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ## Learning objectives
#
# **Estimated time: 25 minutes** (about 1 minute per question).
#
# By the end of this notebook you will be able to:
#
# 1. check your understanding of each notebook's main points;
# 2. trace each answer to the sources it rests on;
# 3. find the notebook to revisit for any question you missed.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### How to answer
#
# For each question, choose one option and press **Check answer**. The feedback says in words
# whether you were right (a tick and "Correct." or a cross and "Not quite."), why, and which
# sources support the answer. In a static copy of this notebook (web page, PDF, slides) each
# answer is folded under **Show the answer**.
#
# Terms used: **PNS** post-needling soreness; **DOMS** delayed-onset muscle soreness after
# exercise; **RCT** randomised controlled trial; **CI** confidence interval; **SMD** standardised
# mean difference; **VAS** visual analogue scale.

# %% jupyter={"source_hidden": true} slideshow={"slide_type": "skip"} tags=["hide-input"]
from aftercare.present import references
from aftercare.widgets.quiz import quiz

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 1. Soreness after needling
#
# Revisit: [notebook 01, dry needling and post-needling soreness](01_dry_needling_and_soreness.ipynb).

# %% [markdown] slideshow={"slide_type": "notes"}
# Timing: about 4 minutes; running total 4 minutes.

# %% slideshow={"slide_type": "fragment"}
quiz("soreness")

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 2. How ice works
#
# Revisit: [notebook 02, how ice works](02_how_ice_works.ipynb).

# %% [markdown] slideshow={"slide_type": "notes"}
# Timing: about 5 minutes; running total 9 minutes.

# %% slideshow={"slide_type": "fragment"}
quiz("cooling")

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 3. The planner
#
# Revisit: [notebook 03, the icing timeline planner](03_icing_timeline_planner.ipynb).

# %% [markdown] slideshow={"slide_type": "notes"}
# Timing: about 2 minutes; running total 11 minutes.

# %% slideshow={"slide_type": "fragment"}
quiz("planner")

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 4. Patient factors and safety
#
# Revisit: [notebook 04, patient factors and safety](04_patient_factors_and_safety.ipynb).

# %% [markdown] slideshow={"slide_type": "notes"}
# Timing: about 4 minutes; running total 15 minutes.

# %% slideshow={"slide_type": "fragment"}
quiz("safety")

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 5. Alternatives
#
# Revisit: [notebook 05, alternatives to ice compared](05_alternatives_compared.ipynb).

# %% [markdown] slideshow={"slide_type": "notes"}
# Timing: about 4 minutes; running total 19 minutes.

# %% slideshow={"slide_type": "fragment"}
quiz("alternatives")

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 6. The conversation with the patient
#
# Revisit: [notebook 07, the conversation with the patient](07_conversation_with_the_patient.ipynb).

# %% [markdown] slideshow={"slide_type": "notes"}
# Timing: about 4 minutes; running total 23 minutes.

# %% slideshow={"slide_type": "fragment"}
quiz("conversation")

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 7. Where the sources disagree
#
# Revisit: [notebook 09, where the sources disagree](09_where_sources_disagree.ipynb).

# %% [markdown] slideshow={"slide_type": "notes"}
# Timing: about 2 minutes; running total 25 minutes.

# %% slideshow={"slide_type": "fragment"}
quiz("disagreement")

# %% [markdown] slideshow={"slide_type": "subslide"}
# **Think:** which answer surprised you most, and what would you now tell a patient differently?
#
# <details><summary>Show a facilitator's prompt</summary>
#
# Many groups are surprised that no trial supports waiting before ice [pai-seed], that the one
# cold-pack trial found no overall benefit [vorawanthanachai], and that stretching did not
# measurably reduce exercise soreness [herbert2011]. Ask each person to write one sentence they
# would change in their own aftercare advice, and the source that persuaded them.
#
# </details>

# %% [markdown] slideshow={"slide_type": "notes"}
# Facilitator note: in a group, let pairs answer together and discuss before pressing Check,
# then ask each pair to explain its answer in its own words, as in teach-back (notebook 07).

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Evidence
#
# Every question names its sources in its feedback; all of them are listed in
# `data/sources.csv`. The discussion prompt above draws on [pai-seed] [vorawanthanachai]
# [herbert2011].

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Key points
#
# - Check each answer's sources, not only whether you were right.
# - Revisit the notebook linked above any section where you missed a question.
# - Where the evidence is thin, the right answer is often "no trial has tested this".

# %% [markdown] slideshow={"slide_type": "slide"}
# ---
# **Education, not individual medical advice.** This notebook teaches reasoning with published
# evidence; it does not replace clinical judgement for a particular patient.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## References

# %% slideshow={"slide_type": "fragment"}
references("08_self_check.ipynb")
