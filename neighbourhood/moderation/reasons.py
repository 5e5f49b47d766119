"""The fixed list of reasons content may be hidden or reported for (the moderator adds their own words)."""
from __future__ import annotations

import enum

from flask_babel import lazy_gettext as _l


class Reason(enum.StrEnum):
    PERSONAL_ATTACK = "personal_attack"      # 人身攻击
    PERSONAL_INFO = "personal_info"          # 泄露个人信息
    ADVERTISING = "advertising"              # 广告
    OFF_TOPIC = "off_topic"                  # 与本小区无关
    ILLEGAL = "illegal"                      # 违法违规
    FALSE_INFO = "false_info"                # 不实信息
    OTHER = "other"                          # 其他


REASON_LABELS = {
    Reason.PERSONAL_ATTACK: _l("Personal attack"),
    Reason.PERSONAL_INFO: _l("Reveals personal information"),
    Reason.ADVERTISING: _l("Advertising"),
    Reason.OFF_TOPIC: _l("Not about this compound"),
    Reason.ILLEGAL: _l("Illegal content"),
    Reason.FALSE_INFO: _l("False information"),
    Reason.OTHER: _l("Other"),
}

# What each content kind is called in notices, the log and notifications.
KIND_LABELS = {
    "need": _l("need"),
    "proposal": _l("proposal"),
    "comment": _l("comment"),
    "review": _l("service review"),
}


def reason_label(code) -> str:
    """The reader's-language label of a reason code; unknown codes (old data) show as they are."""
    try:
        return str(REASON_LABELS[Reason(code)])
    except ValueError:
        return str(code or "")


def kind_label(kind: str) -> str:
    label = KIND_LABELS.get(kind)
    return str(label) if label is not None else kind


def reason_choices() -> list[tuple[str, object]]:
    return [(reason.value, label) for reason, label in REASON_LABELS.items()]
