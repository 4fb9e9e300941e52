"""The learned, explainable risk ranking (docs/ranking.md): monthly snapshots of what was known about each member
of staff, a regularised logistic regression trained on earlier cut-offs and judged on later ones, reasons in
words for every ranked person, and a fairness audit. The API for the web application:

    store.current_model(home)            the fitted version in use, or None
    ranking.rank_now(home)               (model, people ranked today with their top five reasons)
    ranking.reasons_for(staff_id, home)  one person's rank, score and reasons, or None
    audit.audit(home)                    flag rates and disproportionality by protected characteristic
    store.evaluation(home)               the stored backtest of the current version
"""
