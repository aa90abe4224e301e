"""Báo cáo tháng và báo cáo tổng hợp."""

from flask import Blueprint

bp = Blueprint("reports", __name__, url_prefix="/bao-cao")
