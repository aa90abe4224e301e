"""Tổ thẩm định: xác nhận, trả lại, từ chối và chấm điểm."""

from flask import Blueprint

bp = Blueprint("judging", __name__, url_prefix="/tham-dinh")
