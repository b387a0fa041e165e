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
# # Where the sources disagree, and how a clinic sets its own protocol
#
# The article's rules set beside the evidence: waiting a few hours or cold from the first hours,
# when heat may start, and whether Raynaud's is a reason for care or a reason not to ice. Then
# how a clinic records its own choice in a protocol file so that every plan follows it.
#
# **Education, not individual medical advice.** A clinic's protocol is a local decision for its
# clinicians; this notebook shows how to make and record one, not which one to make.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ## Learning objectives
#
# **Estimated time: 25 minutes.**
#
# By the end of this notebook you will be able to:
#
# 1. state three points where the source article and the evidence disagree, and how strong each
#    side is;
# 2. compare two protocols rule by rule and see how each changes a patient's plan;
# 3. make a clinic protocol by copying a preset and changing one value with its basis;
# 4. explain to a colleague why an unsupported rule is labelled as such rather than removed.

# %% jupyter={"source_hidden": true} slideshow={"slide_type": "skip"} tags=["hide-input"]
# %matplotlib inline
from aftercare import Patient, load_protocol, plan_icing
from aftercare.charts import protocol_comparison
from aftercare.present import references, rule_comparison, sessions_table, show
from aftercare.widgets import PlannerApp
from aftercare.widgets.quiz import quiz

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 1. Three disagreements
#
# | Question | Source article [pai-seed] | Other sources | What the evidence shows |
# |---|---|---|---|
# | When may ice start? | wait a few hours | clinic handouts: ice in the first 24 hours [aftercare-blogs] | no trial of icing time after needling; cold trials applied cold at once [martinpintado2014] [vorawanthanachai] |
# | When may heat start? | listed as an alternative, no timing | handouts: no hot baths or heat for 24-48 hours [aftercare-blogs] | in exercise soreness, heat started at once helped most [petrofsky2017] [wang2021]; not tested after needling; teaching lists: no heat over recent bleeding, care over acute inflammation [cameron-lists] |
# | Raynaud's | be careful with ice | teaching lists: do not use cold [cameron-lists] | classification lists, not trials; the stricter reading is the suite's default |
#
# Two smaller points: the article says ice reduces swelling, but no needling trial measured
# swelling; and "always use a towel" leaves open which towel, although a double dry towel
# barely cools the skin [ichikawa2024].

# %% [markdown] slideshow={"slide_type": "notes"}
# Timing: about 6 minutes; running total 6 minutes.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### The wait, in more detail
#
# The article gives no reason beyond letting the body react [pai-seed]. Soreness falls fastest
# between 6 and 12 hours after needling [diciolla2021], so a wait of a few hours puts the first
# ice where soreness is already easing. On the other side, the only cold-pack trial found no
# overall benefit, applied straight after needling [vorawanthanachai], and a cooling spray helped
# only in the first hours [martinpintado2014]. Neither "wait" nor "ice early" has been shown to
# be better. Both are honest positions if the clinic says what they rest on.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Heat timing, bleeding and inflammation
#
# Handouts that ban heat for a day or two give no evidence [aftercare-blogs]. The exercise
# soreness trials point the other way [petrofsky2017] [wang2021], but they are not needling
# trials. Two reasons for care with early heat do have support in the teaching lists
# [cameron-lists]:
#
# - **Recent or possible bleeding** is a contraindication to superficial heat, and bruising
#   follows about 1 needling treatment in 13 [brady2014] [boyce2020]. The factor table
#   therefore rules out heat for a bleeding tendency.
# - **Acute injury or inflammation** is a precaution for heat. Whether the first hours after
#   needling count as acute inflammation has not been studied; a clinic that reads them so may
#   delay heat over the needled area for everyone, and should record that choice as its own.
#
# So the evidence supports care with early heat over a bruise or an inflamed area, not a
# blanket ban.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 2. Two presets side by side
#
# The suite ships two presets in `data/protocols/`: `seed-article` (the default, the article's
# rules) and `early-cold` (cold from the first hours, as in handouts and the cold trials). Below,
# the protocol the suite runs with (`seed-article` unless your clinic set its own, section 3)
# stands beside `early-cold`.

# %% [markdown] slideshow={"slide_type": "notes"}
# Timing: about 6 minutes; running total 12 minutes.

# %% jupyter={"source_hidden": true} slideshow={"slide_type": "fragment"} tags=["hide-input"]
default, early = load_protocol(), load_protocol("early-cold")
rule_comparison(default, early)

# %% slideshow={"slide_type": "subslide"}
patient = Patient(hours_since_needling=0, needled_at="09:00")
show(protocol_comparison(plan_icing(patient, default), plan_icing(patient, early)))

# %% [markdown] slideshow={"slide_type": "subslide"}
# The same patient as in the chart, needled at 09:00, under each preset: the first day's
# sessions.

# %% jupyter={"source_hidden": true} slideshow={"slide_type": "fragment"} tags=["hide-input"]
sessions_table(plan_icing(patient, default), day=1)

# %% jupyter={"source_hidden": true} slideshow={"slide_type": "fragment"} tags=["hide-input"]
sessions_table(plan_icing(patient, early), day=1)

# %% [markdown] slideshow={"slide_type": "subslide"}
# **Think:** the early-cold preset also stops the plan at 24 hours instead of 48. Where does each
# number come from?
#
# <details><summary>Show the answer</summary>
#
# The 48 hours in the default follow the soreness course: in the ischaemic-compression trial the
# untreated group's soreness had fallen from about 35 to about 4 (of 100) by 48 hours
# [martinpintado2015], and it falls fastest between 6 and 12 hours [diciolla2021]. The 24 hours in
# early-cold comes from the handouts' "first 24 hours" [aftercare-blogs]. Neither is a tested
# duration for icing: both are marked as the protocol's choice, and each basis says so.
#
# </details>

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 3. How a clinic decides and records its protocol
#
# 1. **Read the basis** of each rule in the presets (the table in notebook 03) and the sources
#    behind it.
# 2. **Decide** as a team, and write down why, in words a colleague can check. Clinical decision
#    support is easier to trust when a professional can review the basis of each recommendation
#    [fda-cds2022].
# 3. **Copy a preset**: copy `data/protocols/seed-article.yaml` to, for example,
#    `data/protocols/my-clinic.yaml`.
# 4. **Change the name, title, version and date**, then the value you want, its `source_ids` and
#    its `basis`.
# 5. **Use it everywhere**: start JupyterLab, the dashboards or an export with the environment
#    variable `AFTERCARE_PROTOCOL=my-clinic` (or a path to the file), or pass `--protocol
#    my-clinic` to `python -m aftercare export` and `handout`. Every notebook, app, deck and
#    handout then follows the new value, and every deck names the protocol on its title slide.
#    In code, `load_protocol("my-clinic")` loads it by name. A value out of range or an unknown
#    source id stops with an error that names the file, the key and the allowed values.

# %% [markdown] slideshow={"slide_type": "notes"}
# Timing: about 5 minutes; running total 17 minutes.

# %% [markdown] slideshow={"slide_type": "subslide"}
# For example, a clinic that decides on 1 hour changes only this block:
#
# ```yaml
# wait_hours:
#   value: 1
#   source_ids: [pai-seed, aftercare-blogs]
#   basis: >
#     Our team's choice (minutes of meeting, date): a short wait after leaving the clinic;
#     no trial compares waiting times after needling.
# ```

# %% [markdown] slideshow={"slide_type": "subslide"}
# Here is the same change made in memory, without touching the files: a copy of the protocol
# with a 1-hour wait, then the first day's sessions for the patient above.

# %% slideshow={"slide_type": "fragment"}
mine = default.with_values("my-clinic", wait_hours=1)  # a copy in memory
sessions_table(plan_icing(patient, mine), day=1)

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 4. Explore: switch protocols in the planner
#
# - **Try 1:** with the default protocol and no factors, note the first session time. Switch
#   to *early-cold*. What moves, and what stays?
# - **Try 2:** tick *Raynaud's disease or phenomenon* and switch between the two presets. Why does the verdict stay
#   the same?
# - **Try 3:** set *Needled at* to 20:00 under both presets. Which one gives an ice session
#   before bed?

# %% [markdown] slideshow={"slide_type": "notes"}
# Timing: about 6 minutes; running total 23 minutes.

# %% slideshow={"slide_type": "subslide"} tags=["nbval-ignore-output"]
PlannerApp(needled_at="09:00")

# %% [markdown] slideshow={"slide_type": "subslide"}
# **Think:** a colleague suggests deleting the wait rule because it has no evidence. What is the
# case for keeping it, labelled?
#
# <details><summary>Show the answer</summary>
#
# The rule is the source article's advice [pai-seed], which patients may have read, and no
# evidence shows it is harmful or that early ice is better [vorawanthanachai]. Removing it
# silently would hide a real disagreement. Keeping it with a basis that says "no trial supports
# or refutes this", and offering the early-cold preset beside it, lets each clinic choose
# knowingly and lets a reviewer check the choice [fda-cds2022].
#
# </details>

# %% [markdown] slideshow={"slide_type": "notes"}
# Facilitator note: end the course by asking each team which preset it would start from and
# which one value it would change first. Record the answers; they are the start of the clinic's
# own protocol file.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Evidence
#
# Article and handouts: [pai-seed] [aftercare-blogs]. Cold after needling:
# [martinpintado2014] [vorawanthanachai] [diciolla2021]. Heat timing: [petrofsky2017]
# [wang2021] [cameron-lists] [brady2014] [boyce2020]. Raynaud's: [cameron-lists]. Barrier:
# [ichikawa2024]. Plan length: [martinpintado2016]. Reviewable decision support: [fda-cds2022].

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Key points
#
# - Waiting before ice, heat timing and Raynaud's are open disagreements; none has a needling
#   trial behind either side. Early heat needs care over a bruise or acute inflammation, which
#   is not the same as a ban for everyone.
# - Presets are data: copy one, change a value and its basis, and every plan follows.
# - Label an unsupported rule as unsupported; do not hide the disagreement.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Self-check
#
# Choose an answer and press "Check answer". Without a live kernel, open "Show the answer".

# %% [markdown] slideshow={"slide_type": "notes"}
# Timing: about 2 minutes; running total 25 minutes.

# %% slideshow={"slide_type": "fragment"}
quiz(ids=["disagree-wait", "disagree-heat-early", "safety-raynauds", "alt-heat-timing"])

# %% [markdown] slideshow={"slide_type": "slide"}
# ---
# **Education, not individual medical advice.** This notebook teaches reasoning with published
# evidence; it does not replace clinical judgement for a particular patient.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## References

# %% slideshow={"slide_type": "fragment"}
references("09_where_sources_disagree.ipynb")
