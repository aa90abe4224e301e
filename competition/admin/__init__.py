"""Quản trị: đợt thi đua, tiêu chí, chỉ tiêu, đơn vị, tài khoản."""

from flask import Blueprint

bp = Blueprint("admin", __name__, url_prefix="/quan-tri")
