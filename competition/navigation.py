"""The site menu. Each area registers its own items, so adding an area never edits base.html."""

from __future__ import annotations

from dataclasses import dataclass

from flask import Flask
from flask_login import current_user


@dataclass(frozen=True)
class MenuItem:
    endpoint: str
    label: str
    roles: tuple[str, ...] = ()  # empty: everyone, signed in or not
    order: int = 50

    def visible(self) -> bool:
        if not self.roles:
            return True
        return current_user.is_authenticated and current_user.role in self.roles


MENU: list[MenuItem] = []


def register(endpoint: str, label: str, roles: tuple[str, ...] = (), order: int = 50) -> None:
    if all(item.endpoint != endpoint for item in MENU):
        MENU.append(MenuItem(endpoint, label, roles, order))
        MENU.sort(key=lambda item: item.order)


def init_app(app: Flask) -> None:
    @app.context_processor
    def menu():
        return {"menu_items": [item for item in MENU if item.visible()]}
