"""aftercare: education on aftercare after dry needling."""
