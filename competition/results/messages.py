"""The reader's words for every refusal of the results area (codes come from the services)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from competition.entries.services import TRANSITION_MESSAGES

REFUSALS = {
    **TRANSITION_MESSAGES,
    "already_published": _l("Kết quả đã được công bố; muốn công bố lại, hãy rút lại bản hiện hành "
                            "(có lý do) trước."),
    "no_freeze": _l("Đợt thi đua chưa có thời điểm chốt bảng xếp hạng: chưa thể công bố."),
    "before_freeze": _l("Chưa đến thời điểm chốt bảng xếp hạng: chưa thể công bố kết quả."),
    "appeal_window_open": _l("Đang trong thời hạn nhận khiếu nại: chỉ công bố được sau khi hết "
                             "hạn."),
    "appeals_open": _l("Còn khiếu nại chưa giải quyết: hãy giải quyết hết trước khi công bố."),
    "not_published": _l("Không có bản công bố nào đang có hiệu lực để rút lại."),
    "appeal_window_closed": _l("Ngoài thời hạn khiếu nại (từ thời điểm chốt đến hết số ngày "
                               "nhận khiếu nại)."),
    "not_appealable": _l("Quyết định này không thể khiếu nại (chỉ khiếu nại kết quả bị từ chối, "
                         "bị điều chỉnh số lượng, bị trả lại mà chưa kịp trả lời, hoặc điểm "
                         "chấm)."),
    "already_appealed": _l("Quyết định này đã được khiếu nại; mỗi quyết định chỉ khiếu nại một "
                           "lần."),
    "reason_too_long": _l("Lý do tối đa 4.000 ký tự."),
    "bad_evidence_url": _l("Đường dẫn minh chứng phải bắt đầu bằng http:// hoặc https://."),
    "own_decision": _l("Bạn đã đưa ra quyết định bị khiếu nại: một thành viên khác phải giải "
                       "quyết khiếu nại này."),
    "appeal_decided": _l("Khiếu nại này đã được giải quyết."),
    "bad_outcome": _l("Hãy chọn giữ nguyên hoặc sửa quyết định."),
    "bad_amended_value": _l("Giá trị sau khi sửa không hợp lệ (số lượng là số nguyên không âm; "
                            "điểm từ 0 đến điểm tối đa, tối đa 2 chữ số thập phân)."),
}


STAGE_NAMES = {
    "open": _l("Đang nhận kết quả"),
    "closed": _l("Đã hết hạn gửi kết quả, chưa chốt"),
    "appeals": _l("Đã chốt, đang nhận khiếu nại"),
    "awaiting": _l("Đã chốt, hết hạn khiếu nại, chờ công bố"),
    "published": _l("Đã công bố kết quả chính thức"),
}


def refusal(code: str) -> str:
    return str(REFUSALS.get(code, code))
