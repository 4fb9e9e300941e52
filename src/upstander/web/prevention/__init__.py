"""Prevention: declarations of association and interest, and vetting's decisions on them."""
