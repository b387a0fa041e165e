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
# # Alternatives to ice compared
#
# Heat, massage and stretching, which a patient can use at home, and ischaemic compression,
# spray and stretch and electrical stimulation, which a clinician applies: what each is, how
# strong its evidence is, and for whom it is unsuitable.
#
# **Education, not individual medical advice.** Most effect sizes below come from exercise
# soreness, not from soreness after needling; they are shown to compare, not to promise.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ## Learning objectives
#
# **Estimated time: 25 minutes.**
#
# By the end of this notebook you will be able to:
#
# 1. describe six alternatives to ice and who delivers each;
# 2. say which have been tested for post-needling soreness and which only for exercise soreness;
# 3. read an effect size with its confidence interval and scale;
# 4. choose options that suit a patient's factors, and explain why one option is unsuitable.

# %% jupyter={"source_hidden": true} slideshow={"slide_type": "skip"} tags=["hide-input"]
# %matplotlib inline
from aftercare import Patient, compare_alternatives
from aftercare.charts import alternatives_chart
from aftercare.present import effect_table, references, show
from aftercare.widgets import AlternativesApp
from aftercare.widgets.quiz import quiz

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 1. Two kinds of evidence
#
# **Post-needling soreness (PNS)** is the ache after dry needling. **Delayed-onset muscle
# soreness (DOMS)** is the ache a day or two after unaccustomed exercise. They feel alike, but
# they are not the same condition, and most trials of heat, massage and stretching studied DOMS.
#
# Results are reported as:
#
# - a **mean difference (MD)** in points on the trial's own scale, for example 0-100; a
#   **weighted mean difference (WMD)** pools several trials on one scale;
# - a **standardised mean difference (SMD)**, a difference in units of spread, so trials on
#   different scales can be pooled. Here a negative SMD means less soreness;
# - a **95 % confidence interval (CI)**, the range of effects the data are compatible with. An
#   interval that crosses zero is compatible with no effect.

# %% [markdown] slideshow={"slide_type": "notes"}
# Timing: about 4 minutes; running total 4 minutes.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 2. Options a patient uses at home
#
# **Heat** (warm compress, heat wrap, warm bath). In DOMS, heat within 24 hours had an SMD of
# -1.17 and a hot pack -2.31 (95 % CI -4.33 to -0.29) [wang2021]; a network meta-analysis ranked
# the hot pack first for pain up to 48 hours, with low-quality evidence [wang2022nma]. A heat wrap
# started straight after exercise helped more than one started at 24 hours [petrofsky2017], and
# 2 hours of moist heat matched 8 hours of dry heat [petrofsky2013]. In low back pain a heat wrap
# improved pain relief at day 5 (WMD 1.06 on a 0-5 scale) [french2006]. Skin burns become
# possible from a source at about 44 °C held for hours, sooner at higher temperatures
# [moritz1947], so heat packs are wrapped and the skin checked.
#
# **Massage.** In a meta-analysis of 99 recovery studies, massage was the most effective method
# for DOMS and fatigue; publication bias is possible [dupuy2018].
#
# **Stretching.** The Cochrane review found stretching after exercise changed day-1 soreness by
# -1.04 points on a 100-point scale (95 % CI -6.88 to 4.79): no meaningful effect [herbert2011].
# Gentle stretching may still be chosen for comfort.
#
# **Gentle exercise.** After needling, eccentric, concentric or isometric exercise made no
# difference between groups [diciolla2021]; a review found low-load eccentric exercise reduced
# soreness against placebo [brady-pns-review].

# %% [markdown] slideshow={"slide_type": "notes"}
# Timing: about 6 minutes; running total 10 minutes.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 3. Options a clinician applies
#
# These were tested for soreness after needling, mostly in healthy volunteers:
#
# - **Ischaemic compression**, firm sustained pressure on the trigger point just after needling:
#   VAS (0-100 visual analogue scale) 20.1 against 34.8 in controls right after treatment, and a
#   shorter duration of soreness [martinpintado2015].
# - **Spray and stretch**, a cooling spray with a passive stretch: less soreness only right after
#   treatment, none from 6 hours on [martinpintado2014].
# - **Percutaneous electrical nerve stimulation (PENS)**, current through a needle electrode:
#   less soreness immediately and in the short term; the size was not available
#   [leonhernandez2016].
#
# A systematic review of 8 randomised controlled trials (RCTs) supports these and low-load
# eccentric exercise; it named no heat or ice-pack trial [brady-pns-review]. The one cold gel
# pack trial found the pack no better overall than diclofenac spray or spray and stretch, and
# worse than both right after treatment [vorawanthanachai].

# %% [markdown] slideshow={"slide_type": "notes"}
# Timing: about 4 minutes; running total 14 minutes.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 4. The effect sizes side by side
#
# Each row names its outcome, scale and population. Compare within a scale only.

# %% [markdown] slideshow={"slide_type": "notes"}
# Timing: about 3 minutes; running total 17 minutes.

# %% jupyter={"source_hidden": true} slideshow={"slide_type": "fragment"} tags=["hide-input"]
effect_table()

# %% [markdown] slideshow={"slide_type": "subslide"}
# **Think:** the hot-pack SMD (-2.31) is four times the cold SMD (-0.57). Is heat four times as
# good for a patient after needling?
#
# <details><summary>Show the answer</summary>
#
# No, for three reasons. Both come from exercise soreness, not needling [wang2021]. The hot-pack
# interval is very wide (-4.33 to -0.29), so the true effect could be much smaller. And the same
# meta-analysis found no significant difference between cold and heat overall. The honest
# summary: heat looks at least as helpful as cold for DOMS, and neither has been shown to help
# after needling.
#
# </details>

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 5. Explore: alternatives for one patient
#
# Suitability depends on the patient. First, a static comparison for a patient who takes an
# anticoagulant (a blood thinner), then the app.

# %% [markdown] slideshow={"slide_type": "notes"}
# Timing: about 6 minutes; running total 23 minutes.

# %% slideshow={"slide_type": "subslide"}
bleeding = Patient(hours_since_needling=0, needled_at="09:30", bleeding_risk=True)
show(alternatives_chart(compare_alternatives(bleeding)))

# %% [markdown] slideshow={"slide_type": "subslide"}
# - **Try 1:** with no factor ticked, which options are recommended, and which are delivered by a
#   clinician?
# - **Try 2:** tick *Peripheral neuropathy or impaired sensation at the site*. What happens to heat, and why?
# - **Try 3:** tick *Raynaud's disease or phenomenon*. Which options remain, and does anything change besides ice?
# - **Try 4:** tick *Pregnancy*. Which kind of heat is the concern?

# %% slideshow={"slide_type": "subslide"} tags=["nbval-ignore-output"]
AlternativesApp()

# %% [markdown] slideshow={"slide_type": "notes"}
# Facilitator note: stress that the clinician-applied options happen in the clinic, right after
# needling; the home options are what the patient does afterwards. Many patients are offered only
# the home options.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Evidence
#
# Heat: [wang2021] [wang2022nma] [petrofsky2017] [petrofsky2013] [french2006] [moritz1947].
# Massage and stretching: [dupuy2018] [herbert2011]. After needling: [martinpintado2015]
# [martinpintado2014] [leonhernandez2016] [diciolla2021] [brady-pns-review] [vorawanthanachai].
# The source article lists heat, massage and stretching without evidence [pai-seed].

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Key points
#
# - The best evidence after needling is for clinician-applied options and exercise; a cold pack
#   did no better than the alternatives.
# - Heat and massage help exercise soreness; stretching does not measurably help it.
# - A factor can rule out one option and not another: neuropathy rules out heat packs, Raynaud's
#   rules out ice.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Self-check
#
# Choose an answer and press "Check answer". Without a live kernel, open "Show the answer".

# %% [markdown] slideshow={"slide_type": "notes"}
# Timing: about 2 minutes; running total 25 minutes.

# %% slideshow={"slide_type": "fragment"}
quiz("alternatives")

# %% [markdown] slideshow={"slide_type": "slide"}
# ---
# **Education, not individual medical advice.** This notebook teaches reasoning with published
# evidence; it does not replace clinical judgement for a particular patient.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## References

# %% slideshow={"slide_type": "fragment"}
references("05_alternatives_compared.ipynb")
