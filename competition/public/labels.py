"""Names of coded values that downloads and the API spell out (templates use `_macros.html`)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from competition.scoring import Classification

CLASSIFICATION_LABELS = {
    Classification.EXCELLENT: _l("Hoàn thành xuất sắc"),
    Classification.GOOD: _l("Hoàn thành tốt"),
    Classification.PASSED: _l("Hoàn thành"),
    Classification.FAILED: _l("Chưa hoàn thành"),
}
