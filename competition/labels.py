"""Names of coded values that downloads and the API spell out (templates use `_macros.html`)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from competition.scoring import Classification, RankBy

CLASSIFICATION_LABELS = {
    Classification.EXCELLENT: _l("Hoàn thành xuất sắc"),
    Classification.GOOD: _l("Hoàn thành tốt"),
    Classification.PASSED: _l("Hoàn thành"),
    Classification.FAILED: _l("Chưa hoàn thành"),
}

# What a board ranks on, as the note beside every board says it.
RANK_BY_LABELS = {
    RankBy.TOTAL: _l("Xếp hạng theo tổng điểm"),
    RankBy.PERCENT: _l("Xếp hạng theo tỷ lệ % điểm (trên tổng điểm các tiêu chí áp dụng cho đơn vị)"),
}
