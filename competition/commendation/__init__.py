"""Khen thưởng: award rules, the proposal from the published result, the decision, the documents.

The admin's pages for the end of a drive. The rule of who is proposed lives
in the pure `competition.awards`; the transitions (propose, add, remove,
issue the decision) in `services`; the documents in `documents` and
`certificates`.
"""

from flask import Blueprint

bp = Blueprint("commendation", __name__, url_prefix="/quan-tri/khen-thuong")

from competition.commendation import views  # noqa: E402,F401
