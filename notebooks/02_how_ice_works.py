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
# # How ice works: cooling skin, fat and muscle
#
# What happens in the tissue under an ice pack, minute by minute, and why the usual rules follow
# from it: about 20 minutes, always a barrier, and stop when the skin goes numb.
#
# **Education, not individual medical advice.** The cooling model is a teaching tool fitted to a
# handful of studies in healthy volunteers; it does not predict one patient's tissue temperature.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ## Learning objectives
#
# **Estimated time: 25 minutes.**
#
# By the end of this notebook you will be able to:
#
# 1. state the skin temperatures reached by common cold packs in 20 minutes;
# 2. name the skin temperatures linked to pain relief and to numbness, and say which thresholds
#    are confirmed and which are not;
# 3. explain how the barrier, the minutes and the fat layer change cooling, and what happens
#    after the pack comes off;
# 4. say how far to trust a modelled temperature, and read the band and study points on a chart;
# 5. explain why numbness is the signal to stop, and who cannot feel that signal.

# %% jupyter={"source_hidden": true} slideshow={"slide_type": "skip"} tags=["hide-input"]
# %matplotlib inline
from aftercare.charts import cooling_curve
from aftercare.present import barrier_table, references, show, text_report
from aftercare.thermal import session_end_skin_band_c, session_end_skin_c, simulate_cooling
from aftercare.thermal.calibration import cross_validated_skin_error_c
from aftercare.widgets import CoolingExplorer
from aftercare.widgets.quiz import quiz

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 1. What the studies measured
#
# Skin temperature after 20 minutes of cold on the front of the thigh (unless said), in healthy
# volunteers:
#
# | Cold source | Barrier | Skin at 20 min | Source |
# |---|---|---|---|
# | Frozen peas | none | 10.8 °C | [chesterton2002] |
# | Gel pack | none | 14.4 °C | [chesterton2002] |
# | No cold (control) | none | 26.1 °C | [chesterton2002] |
# | Ice pack from a -20 °C freezer | damp towel | 10.2 °C | [kanlayanaphotporn2005] |
# | Gel pack from a -20 °C freezer | damp towel | 13.9 °C | [kanlayanaphotporn2005] |
# | Frozen peas from a -20 °C freezer | damp towel | 14.4 °C | [kanlayanaphotporn2005] |
# | Crushed ice, front of the knee, from 28.4 °C | none | 13.8 °C | [selfe2009] |
# | Crushed ice, calf, from 30.3 °C | none | 15.8 °C | [dykstra2009] |
# | Cubed ice, calf, from 30.0 °C | none | 16.4 °C | [dykstra2009] |
# | Wetted ice (water in the bag), calf, from 30.6 °C | none | 13.2 °C | [dykstra2009] |
#
# (The calf values are the means of the study's own data at 19.5 minutes, as distributed in the
# R package fastR2; they are held apart from the model's fit and used to check it.)
#
# Ice through a damp towel ended at 10.2 °C in one study, bare crushed ice at 13.8 and 15.8 °C
# in two others, though a damp towel is expected to cool less than a bare pack: studies differ
# by several degrees, more than their conditions explain. Three more findings shape the model: under a
# compressed ice bag the temperature where pack meets skin reached its lowest after 8-9 minutes
# [janwantanakul2009]; packs that contain melting ice cooled more than a pack that does not
# change phase [merrick2003]; and wetted ice cooled more than cubed or crushed ice [dykstra2009].

# %% [markdown] slideshow={"slide_type": "notes"}
# Timing: about 4 minutes; running total 4 minutes.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Thresholds on the charts
#
# | Skin temperature | What happened | Confidence |
# |---|---|---|
# | below 13.6 °C | pain relief from ice massage began [bugaj1975] | high |
# | 10 °C | nerve conduction in the ankle slowed by 32.8 % [algafly2007] | high |
# | below 10 °C | 49 of 52 skin touch receptors became less sensitive [kunesch1987] | high |
# | 10-15 °C | a "therapeutic range" used in one study [selfe2009] | medium |
# | 12.5 °C | often quoted for a 10 % nerve slowing [bleakley-hopkins2010] | **unconfirmed**: no copy found |
#
# No source gives a single skin temperature at which cold injury begins. Tissue freezes only
# below about 0 °C, and cold injury without freezing has been linked to poor skin blood flow
# during rewarming [pmc4395553]. The charts therefore show no "frostbite line".

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 2. The cooling model
#
# The model treats the skin, the fat under it and the muscle below as layers that pass heat to
# one another, with blood flow warming them and a cold pack held at the surface through a
# barrier. Its few free numbers were fitted to the skin studies above, to two studies of fat
# thickness [otte2002] [myrer2001] and, for the dry towel, to the one study of an ice bag in two
# dry towel layers [ichikawa2024]: the towel's insulation is set so that the model gives that
# study's fall. These are the calibration set; nothing else was tuned.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### What the model assumes
#
# - **Studies differ.** The fit gives each study its own pack-skin contact (how well the pack
#   touches the skin) and estimates how far those differ. The chart draws that spread as a light
#   band around each line, and the published study means for the condition shown as markers.
# - **Skin and muscle, each from its own calibration.** The studies that measured muscle
#   [otte2002] [myrer2001] found it cooling much faster than the model allows with the contact
#   of the studies that measured skin. No one setting fits both, so the skin line comes from the
#   skin studies and the muscle lines from the muscle studies. Read them as two model
#   estimates side by side, not as one measured column of tissue; why the studies differ is not
#   known (`docs/calibration.md`, "Skin and muscle").
# - **Blood flow.** Under the pack the cooled tissue loses its blood flow, and the vessels stay
#   narrowed for a while after it comes off [hohenauer2019] [pmc4395553]. How much flow returns
#   is fitted to muscle rewarming by fat thickness [myrer2001] and checked against two studies
#   held apart [myrer1998] [myrer2000]. Skin rewarming is not validated: a model estimate.
# - **A damp towel** adds a thin layer of wet cloth; bare ice cools more and faster
#   [damptowel-study].
#
# A typical case, as in the default protocol: crushed ice in a thin damp towel for 20 minutes
# over a 10 mm skinfold, then 30 minutes after the pack comes off.

# %% slideshow={"slide_type": "subslide"}
typical = simulate_cooling(modality="crushed_ice", barrier="damp_towel",
                           application_min=20, rewarm_min=30, skinfold_mm=10)
show(cooling_curve(typical))

# %% [markdown] slideshow={"slide_type": "subslide"}
# **What this shows.** The line is a model estimate: the skin falls quickly, then flattens near
# the 13.6 °C pain-relief line [bugaj1975]. The light band shows where it would end under other
# studies' conditions; its cold edge approaches the 10 °C below which skin touch receptors lose
# sensitivity [kunesch1987]. In the studies, 20 minutes of a bare pack ended between 10.8 and 16.4
# °C; the one study that used a damp towel, as the default session does, measured 10.2-14.4 °C
# with packs from a -20 °C freezer (section 1), colder than the model's line for the default
# session, whose band reaches down to about 10 °C. So a default session is not expected to numb
# the skin every time, but it can, sooner with bare or wetted ice; numbness is then the signal to
# take the ice off.
# After removal the skin warms over tens of minutes, not at once (a model estimate: skin
# rewarming is not checked against measurements).

# %% slideshow={"slide_type": "fragment"}
default = ("crushed_ice", "damp_towel", 20, 10)  # pack, barrier, minutes, skinfold (mm)
skin_c, (low, high) = session_end_skin_c(*default), session_end_skin_band_c(*default)
text_report(f"Model estimate at the end of the default session: skin {skin_c:.1f} °C "
            f"(band between studies {low:.1f} to {high:.1f} °C).")

# %% [markdown] slideshow={"slide_type": "fragment"}
# **How far to trust it.** Refitted without one study at a time and asked to predict that study,
# the model's skin temperatures were off by this much (root-mean-square) [chesterton2002]
# [kanlayanaphotporn2005] [selfe2009]:

# %% slideshow={"slide_type": "fragment"}
error_c = cross_validated_skin_error_c()
text_report("Skin temperature for a study the model has not seen: "
            f"off by {error_c:.1f} °C (root-mean-square).")

# %% [markdown] slideshow={"slide_type": "fragment"}
# That figure comes from the studies the model was fitted to. A study kept out of the fit
# altogether, bare ice on the calf [dykstra2009], ended 4-6 °C warmer than the model's line for
# its conditions (`docs/calibration.md`, "Skin studies held apart"), while the damp-towel study
# ended colder than its line [kanlayanaphotporn2005]. Read the line as the middle of a wide
# range, and the band as that range.

# %% [markdown] slideshow={"slide_type": "notes"}
# Timing: about 3 minutes; running total 7 minutes.
#
# Facilitator note: point out that the skin falls quickly in the first minutes and then flattens,
# while the muscle keeps cooling slowly and is still cooling when the pack comes off. Ask the
# group which layer matters for soreness relief, and what the width of the light band says about
# quoting one number to a patient.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 3. Explore the model
#
# Change the cold source, the barrier, the minutes of application and the skinfold. The chart
# shows skin and muscle temperature with the thresholds above.
#
# - **Try 1:** set *Skinfold* to 30 mm. What happens to muscle temperature at 20 minutes,
#   compared with 10 mm? And to skin temperature?
# - **Try 2:** the app starts with one damp towel layer. Change *Between pack and skin* to one
#   dry towel, then to two dry towels. Which barriers keep the skin above the 13.6 °C
#   pain-relief line for the whole session?
# - **Try 3:** set *Minutes on* to 40. How much colder is the skin at 40 minutes than at 20? Is the
#   extra time worth it for pain relief?
# - **Try 4:** set *Cold source* to a gel pack. Does the skin reach the pain-relief line?
# - **Try 5:** go back to crushed ice in a damp towel and set *Skinfold* to 30 mm. Follow the
#   muscle lines after the shaded blue part ends: do they warm at once when the pack comes off?

# %% [markdown] slideshow={"slide_type": "notes"}
# Timing: about 8 minutes; running total 15 minutes.

# %% slideshow={"slide_type": "subslide"} tags=["nbval-ignore-output"]
CoolingExplorer()

# %% [markdown] slideshow={"slide_type": "subslide"}
# **Think:** in Try 1 the muscle barely cooled under thick fat, yet the skin cooled at least as much
# as before. Which matters for soreness after needling?
#
# <details><summary>Show the answer</summary>
#
# Nobody knows from a trial. Soreness after needling is deep, in the muscle. Pain relief from
# ice massage appeared once the skin was below 13.6 °C [bugaj1975], and cold slows the nerves
# near the surface [algafly2007], so the evidence brief reasons that skin cooling is what
# matters for pain. That is an **inference** from studies of skin and of fat, not a finding
# about needling soreness: no study compared skin and deep cooling for it, and the one
# cold-pack trial after needling found no overall benefit [vorawanthanachai]. What is measured
# is that fat insulates the muscle strongly: a 7 °C fall 1 cm under the fat took about 8 minutes
# with a thin skinfold and nearly an hour with 31-40 mm [otte2002]. Longer sessions to reach the
# muscle would add known risks (section 4) for a benefit nobody has shown.
#
# </details>
#
# **Think:** in Try 5 the muscle under thick fat was still cooling half an hour after the pack
# came off. Why, and what does it mean for a second session?
#
# <details><summary>Show the answer</summary>
#
# The fat holds the cold it took up, and with blood flow still low after cooling
# [hohenauer2019] [pmc4395553] that cold keeps moving inwards once the pack is off. Tissue does
# not warm again the moment the ice comes off; a repeat session too soon starts from tissue that
# is still cold, which is one reason plans space sessions about 2 hours apart [bleakley2006].
#
# </details>

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 4. Why about 20 minutes
#
# - Under a compressed ice bag the temperature where pack meets skin reached its lowest at 8-9
#   minutes [janwantanakul2009]. A gel pack levelled off after 10 minutes, while frozen peas kept
#   cooling up to 20 minutes [chesterton2002].
# - Handbooks usually cap a cold session at 15-20 minutes [cryotherapy-chapter], and a trial
#   that repeated 20 minutes every 2 hours reported no burns or nerve palsies, in ankle sprains
#   [bleakley2006].
# - Longer sessions have hurt people: nerve palsies followed icing for an hour or more, and once
#   after only 20 minutes over a lean hamstring [collins1986] [moeller1997].
#
# So 20 minutes is a cap, not a target: the measured studies ended near or below the pain-relief
# line by then, and it is short enough to keep the known risks low. Where the skin goes numb
# sooner (bare or wetted ice, a good contact, the cold edge of the band), the skin, not the
# clock, decides when to stop.

# %% [markdown] slideshow={"slide_type": "notes"}
# Timing: about 3 minutes; running total 18 minutes.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 5. Why a barrier, and which one
#
# The article says always to put a towel or cloth between ice and skin [pai-seed]. The barrier
# also sets the dose:
#
# - A **damp towel** still lets the skin cool strongly; bare ice cools more and faster
#   [damptowel-study].
# - **Two layers of dry towel** for 10 minutes lowered skin temperature by only 3.2-5.7 °C
#   [ichikawa2024], probably too little for pain relief.
#
# The model below estimates the skin temperature at the end of a 20-minute session with crushed
# ice, for each barrier, over a 10 mm skinfold, with the band between studies. Compare each row
# with the 13.6 °C pain-relief line and with the 10 °C below which the skin goes numb.

# %% [markdown] slideshow={"slide_type": "notes"}
# Timing: about 3 minutes; running total 21 minutes.

# %% jupyter={"source_hidden": true} slideshow={"slide_type": "fragment"} tags=["hide-input"]
barrier_table("crushed_ice", 20)

# %% [markdown] slideshow={"slide_type": "subslide"}
# **Think:** the source article asks only for "a towel or cloth". Under a single dry towel, does
# the skin reach the pain-relief line in the model? What does that mean for the advice?
#
# <details><summary>Show the answer</summary>
#
# Read the dry-towel row above. If it stays well above 13.6 °C, as it does in this version of the
# model (its whole band too), the barrier protects the skin at the cost of the pain relief the ice
# is meant to give. The damp-towel row ends close to the pain-relief line, a little warmer than
# bare ice, and its band reaches towards 10 °C (the one study of packs in a damp towel measured
# colder than the line [kanlayanaphotporn2005]): a damp towel keeps ice off the skin without
# giving up the cooling, and numbness can still come.
# The evidence for this trade-off is thin: one study compared a damp towel with bare ice
# [damptowel-study] and one measured two dry layers [ichikawa2024]; none measured a single dry
# towel, which the model interpolates. For this reason the suite's default protocol reads the
# article as a thin damp towel, and says so in the protocol file's basis. It is a local decision:
# a clinic that prefers a dry towel changes one word, and notebook 09 shows how.
#
# </details>

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 6. Numbness is the signal to stop, and who cannot feel it
#
# As skin cools below about 10 °C, its touch receptors become less sensitive [kunesch1987] and
# nerve conduction slows by about a third [algafly2007]. The skin feels numb, so further cold, or
# the pressure of a tight wrap, is felt less and less. Taking the ice off at numbness stops the dose at
# the point where the body's warning system goes quiet. Measured skin after 20 minutes was
# 10.8-16.4 °C under a bare pack and 10.2-14.4 °C under packs in a damp towel (section 1), and the
# model's estimate for the default session (crushed ice in a damp towel) is about 14 °C, with a
# band reaching 10 °C. So numbness is not
# certain in a default session, but it is within what studies measured; the skin checks are
# checks for it. Colder still, tissue at 3-10 °C is described as a numb, pre-freeze state
# [mitchmedical-frostbite] (low-medium confidence): no default session should get there. Skin
# blood flow also stays low for a while during rewarming [hohenauer2019], which one study links
# to cold injury without freezing [pmc4395553].
#
# People who **cannot feel or report** that signal need someone else to check the skin, or a
# different option: reduced sensation from neuropathy (including diabetic neuropathy), cognitive
# or communication impairment or sedation, young children, and anyone asleep [cameron-lists]
# [deroyal-ifu]. Notebook 04 turns this into rules.

# %% [markdown] slideshow={"slide_type": "notes"}
# Timing: about 3 minutes; running total 24 minutes.

# %% [markdown] slideshow={"slide_type": "subslide"}
# **Think:** a patient says the ice "stopped hurting after 10 minutes, so I left it on for
# 40". What would you tell them?
#
# <details><summary>Show the answer</summary>
#
# The ache stopped because the skin went numb, not because the ice became safe: below about
# 10 °C the skin's touch receptors become less sensitive [kunesch1987], so its warnings weaken. Numb skin is the cue to take the ice
# off. Keep to 20 minutes or less, even when it feels comfortable [pai-seed] [bleakley2006].
#
# </details>

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Evidence
#
# Skin temperatures: [chesterton2002] [kanlayanaphotporn2005] [selfe2009] [janwantanakul2009]
# [merrick2003] [dykstra2009]. Fat: [otte2002] [myrer2001]. Towel fitted to [ichikawa2024]. Thresholds: [bugaj1975]
# [algafly2007] [kunesch1987] [mitchmedical-frostbite]; unconfirmed: [bleakley-hopkins2010].
# Barrier: [damptowel-study] [ichikawa2024]. Blood flow after cooling: [hohenauer2019]
# [pmc4395553]. Injury: [collins1986] [moeller1997] [pmc4395553] [cryotherapy-chapter]. All
# are studies of healthy volunteers or case reports; none measured tissue after needling. How
# the model was fitted and how far to trust it: `docs/calibration.md`.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Key points
#
# - Most skin cooling comes in the first 10 minutes or so; the muscle cools slowly, and much
#   less under thick fat.
# - Ice massage relieved pain once the skin was below about 13.6 °C. That relief of needling
#   soreness, which is deep in the muscle, comes from the skin is an inference, not a finding;
#   the 20-minute cap rests on the known risks of longer sessions.
# - The barrier sets the dose: a thin damp cloth cools well (the model's estimate for a default
#   session ends near the pain-relief line); a double dry towel hardly cools at all, and in
#   this version of the model even a single dry towel keeps the skin above the pain-relief
#   line.
# - Tissue does not warm at once: the skin takes tens of minutes, and under thick fat the muscle
#   keeps cooling after the pack is off.
# - Studies differ by several degrees, more than their conditions explain; the band shows it, and
#   a modelled temperature is a model estimate, not a prediction for one patient. Skin and
#   muscle come from separate calibrations because no one model setting fits both.
# - Numbness means stop. People who cannot feel or report it need someone to check their skin.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Self-check
#
# Choose an answer and press "Check answer". Without a live kernel, open "Show the answer".

# %% [markdown] slideshow={"slide_type": "notes"}
# Timing: about 1 minute; running total 25 minutes.

# %% slideshow={"slide_type": "fragment"}
quiz("cooling")

# %% [markdown] slideshow={"slide_type": "slide"}
# ---
# **Education, not individual medical advice.** This notebook teaches reasoning with published
# evidence; it does not replace clinical judgement for a particular patient.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## References

# %% slideshow={"slide_type": "fragment"}
references("02_how_ice_works.ipynb")
