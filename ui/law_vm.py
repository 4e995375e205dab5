"""Law browse for the consult screens: categories → laws → 编/章/节 → articles, one level at a time."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import Property, QCoreApplication, QObject, Signal, Slot

from content.statutes import Article, StatuteLibrary

translate = QCoreApplication.translate


@dataclass(frozen=True)
class BrowsePlace:
    """Where the villager is in the law tree: a category, a law, and a heading path under it."""

    category: str = ""
    law: str = ""
    section: tuple[str, ...] = ()

    def up(self) -> BrowsePlace | None:
        """The level above, or None at the top (the list of categories)."""
        if self.section:
            return BrowsePlace(self.category, self.law, self.section[:-1])
        if self.law:
            return BrowsePlace(self.category)
        if self.category:
            return BrowsePlace()
        return None


class LawBrowser(QObject):
    """The list shown at one level of the law tree; tapping a row goes down or opens an article.

    Signals:
        changed: the place (and so the rows) changed.
        articleChosen: an article row was tapped (the article's index in the library).
    """

    changed = Signal()
    articleChosen = Signal(int)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.library: StatuteLibrary | None = None
        self.place = BrowsePlace()
        self._rows: list[dict[str, Any]] = []
        self._targets: list[BrowsePlace | Article] = []

    def set_library(self, library: StatuteLibrary | None) -> None:
        """Use a (new) statute library; the browse starts again at the top."""
        self.library = library
        self.go_to(BrowsePlace())

    def go_to(self, place: BrowsePlace) -> None:
        """Show the rows of a place."""
        self.place = place
        self._rows, self._targets = self._list(place)
        self.changed.emit()

    def _list(self, place: BrowsePlace) -> tuple[list[dict[str, Any]], list[BrowsePlace | Article]]:
        library = self.library
        rows: list[dict[str, Any]] = []
        targets: list[BrowsePlace | Article] = []
        if library is None:
            return rows, targets
        count = translate("LawBrowser", "%1 条")
        if not place.category:
            for category in library.categories():
                laws = library.laws(category)
                rows.append(
                    {
                        "title": category,
                        "detail": translate("LawBrowser", "%1 部").replace("%1", str(len(laws))),
                    }
                )
                targets.append(BrowsePlace(category))
            return rows, targets
        if not place.law:
            for info in library.laws(place.category):
                rows.append(
                    {"title": info.short_name, "detail": count.replace("%1", str(info.article_count))}
                )
                targets.append(BrowsePlace(place.category, info.name))
            return rows, targets
        sections = library.sections(place.law, place.section)
        if sections:
            for section in sections:
                rows.append(
                    {"title": section.title, "detail": count.replace("%1", str(section.article_count))}
                )
                targets.append(BrowsePlace(place.category, place.law, section.path))
            return rows, targets
        for article in library.articles_in(place.law, place.section):
            rows.append({"title": article.label, "detail": article.text[:40]})
            targets.append(article)
        return rows, targets

    def _rows_value(self) -> list[dict[str, Any]]:
        return self._rows

    def _title(self) -> str:
        place = self.place
        if place.section:
            return place.section[-1]
        if place.law:
            return place.law.removeprefix("中华人民共和国")
        if place.category:
            return place.category
        return translate("LawBrowser", "按法律查找")

    def _trail(self) -> str:
        place = self.place
        parts = [place.category, place.law.removeprefix("中华人民共和国"), *place.section[:-1]]
        shown: list[str] = []
        for part in parts:
            if part and (not shown or shown[-1] != part):  # category 民法典, law 民法典: once
                shown.append(part)
        return " › ".join(shown)

    def _at_top(self) -> bool:
        return self.place.up() is None

    rows = Property(list, _rows_value, notify=changed)
    title = Property(str, _title, notify=changed)
    trail = Property(str, _trail, notify=changed)
    atTop = Property(bool, _at_top, notify=changed)

    @Slot(int)
    def open(self, row: int) -> None:
        """A row was tapped: go down a level, or open the article."""
        if not 0 <= row < len(self._targets):
            return
        target = self._targets[row]
        if isinstance(target, Article):
            self.articleChosen.emit(target.index)
        else:
            self.go_to(target)

    def back(self) -> bool:
        """Go up a level; False when already at the top (the caller leaves law browse)."""
        above = self.place.up()
        if above is None:
            return False
        self.go_to(above)
        return True
