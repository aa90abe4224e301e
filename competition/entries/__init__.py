"""Cán bộ đơn vị: kết quả và minh chứng của đơn vị."""

from flask import Blueprint

bp = Blueprint("entries", __name__, url_prefix="/don-vi")
