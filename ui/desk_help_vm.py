"""The lawyer's in-call help panel: find an FAQ answer or article and push it; push a form and co-fill it."""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from PySide6.QtCore import Property, QCoreApplication, QObject, Signal, Slot

from content.faq import FaqEntry, for_call_topic
from content.forms import FormSpec
from content.pack import PackError
from content.search import CORE_LAWS, Progress, SearchEngine
from content.statutes import Article
from media.flows import CallInfo, DeskFlow, DeskState, FieldEdit
from protocol.messages import ContentKind
from ui.background import BackgroundRunner
from ui.cofill import SUBMITTED_FIELD, CoFill, FieldOrigin

log = logging.getLogger(__name__)
translate = QCoreApplication.translate

IN_CALL = frozenset(
    {DeskState.CONNECTING, DeskState.IN_CALL, DeskState.RECONNECTING}
)  # a redial keeps the form
FAQ_BROWSE_LIMIT = 200  # an empty search lists the FAQ questions to browse
EngineFactory = Callable[[Progress], SearchEngine]  # builds the statute search, reporting progress


class _QuittingError(Exception):
    """Raised from the index build's progress callback when the desk is closing."""


def faq_text(entry: FaqEntry) -> str:
    """An FAQ answer as the terminal shows it: the answer, then numbered steps."""
    steps = "\n".join(f"{n}. {step}" for n, step in enumerate(entry.steps, 1))
    return f"{entry.answer}\n\n{steps}" if steps else entry.answer


class DeskHelpViewModel(QObject):
    """Search, push and co-fill during a call; QML renders it beside the villager's picture.

    Signals:
        changed: any displayed property changed.
        layoutChanged: the co-filled form's visible fields changed.
    """

    changed = Signal()
    layoutChanged = Signal()  # the list of fields shown changed (QML rebuilds the rows only then)

    def __init__(
        self,
        flow: DeskFlow,
        runner: BackgroundRunner,
        forms: Mapping[str, FormSpec],
        faq: Sequence[FaqEntry],
        *,
        engine_factory: EngineFactory | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._field_ids: list[str] = []
        self.changed.connect(self._check_layout)
        self.flow = flow
        self._runner = runner
        self.forms = dict(forms)
        self._faq = list(faq)
        self._engine_factory = engine_factory
        self.engine: SearchEngine | None = None
        self._quitting = threading.Event()
        self._query = ""
        self._results: list[dict[str, str]] = []
        self.cofill: CoFill | None = None
        self._submitted = ""
        self._notice = ""
        self._in_call = DeskState(flow.state) in IN_CALL
        self._topic = flow.info.topic
        self._open = False  # the panel starts collapsed: the villager's picture large
        flow.add_state_listener(self._on_state)
        flow.add_form_listener(self._on_edit)
        self._browse()

    def start_engine(self) -> None:
        """Build the statute search in a thread (FAQ browsing works meanwhile)."""
        if self._engine_factory is None or self.engine is not None:
            return
        self._runner.run(
            asyncio.to_thread(self._build), name="desk-search-index", on_success=self._engine_ready
        )

    def _build(self) -> SearchEngine | None:
        """Runs on a worker thread; gives up at the next progress step once close() was called."""
        assert self._engine_factory is not None

        def progress(_share: float) -> None:
            if self._quitting.is_set():
                raise _QuittingError

        try:
            return self._engine_factory(progress)
        except _QuittingError:
            return None
        except (PackError, OSError, ValueError) as exc:
            log.error("the statute pack could not be opened: %s", exc)
            return None

    def close(self) -> None:
        """Stop building the search index (the desk is quitting)."""
        self._quitting.set()

    async def aclose(self) -> None:
        """close() as a quit-time cleanup step."""
        self.close()

    def _engine_ready(self, engine: SearchEngine | None) -> None:
        if engine is None:
            return
        self.engine = engine
        if self._query:
            self.search(self._query)
        self.changed.emit()

    # --- flow events -------------------------------------------------------------------------------
    def _on_state(self, state: Any, info: CallInfo) -> None:
        in_call = DeskState(state) in IN_CALL
        changed = False
        if info.topic != self._topic:
            self._topic = info.topic  # the ringing call's topic: its FAQ lead the browse list
            if not self._query:
                self._browse()
            changed = True
        if in_call != self._in_call:
            self._in_call = in_call
            self.cofill = None  # a new call starts with no form; an ended call's form is gone
            self._submitted = ""
            self._notice = ""
            self._open = False  # each call starts with the picture large
            changed = True
        if changed:
            self.changed.emit()

    @Slot()
    def openPanel(self) -> None:
        """查资料 / 推送: open the panel beside the (then smaller) picture."""
        if not self._open:
            self._open = True
            self.changed.emit()

    @Slot()
    def closePanel(self) -> None:
        """收起: the villager's picture large again."""
        if self._open:
            self._open = False
            self.changed.emit()

    def _on_edit(self, edit: FieldEdit) -> None:
        if self.cofill is None or edit.form_id != self.cofill.spec.id:
            return
        if edit.field == SUBMITTED_FIELD:
            self._submitted = edit.value
        elif not self.cofill.apply(edit.field, edit.value, edit.origin):
            return
        self.changed.emit()

    # --- search ------------------------------------------------------------------------------------
    def _browse(self) -> None:
        """The call topic's own FAQ first, then all the others."""
        entries = for_call_topic(self._faq, self._topic)
        self._results = [self._faq_row(e) for e in entries[:FAQ_BROWSE_LIMIT]]

    def _faq_row(self, entry: FaqEntry) -> dict[str, str]:
        return {
            "kind": ContentKind.FAQ.value,
            "kindLabel": translate("incall", "常见问题"),
            "ref": entry.id,
            "title": entry.question,
            "snippet": entry.answer[:80],
            "text": faq_text(entry),
        }

    @Slot(str)
    def search(self, text: str) -> None:
        """Search as the lawyer types; an empty box lists the FAQ to browse."""
        self._query = text.strip()
        if not self._query:
            self._browse()
        elif self.engine is None:
            words = self._query
            self._results = [
                self._faq_row(e)
                for e in self._faq
                if words in e.question or any(words in a for a in e.aliases)
            ]
        else:
            found = self.engine.search(self._query, faq_limit=5, article_limit=15)
            faq_rows = [self._faq_row(hit.entry) for hit in found.faq if isinstance(hit.entry, FaqEntry)]
            law_rows = [self._law_row(hit.article, hit.snippet) for hit in found.articles]
            # An article named by number ("民法典 1079") comes first; else the plain answers lead.
            self._results = law_rows + faq_rows if found.exact_article else faq_rows + law_rows
        self.changed.emit()

    def _law_row(self, article: Article, snippet: str = "") -> dict[str, str]:
        return {
            "kind": ContentKind.LAW.value,
            "kindLabel": translate("incall", "法条"),
            "ref": f"{article.law}/{article.label}",
            "title": f"《{article.short_law}》{article.label}",
            "snippet": snippet or article.text[:80],
            "text": article.text,
        }

    @Slot(str)
    def browseLaw(self, law: str) -> None:
        """按法律浏览: every article of one law, in order."""
        if self.engine is None:
            return
        self._query = ""
        self._results = [self._law_row(a) for a in self.engine.library.articles_in(law)]
        self.changed.emit()

    def _law_choices(self) -> list[dict[str, str]]:
        if self.engine is None:
            return []
        library = self.engine.library
        laws = [info for info in library.laws() if info.name in CORE_LAWS]
        return [{"law": info.name, "title": info.short_name} for info in laws]

    @Slot(int)
    def push(self, index: int) -> None:
        """推送 one search result (an FAQ answer or an article) to the terminal's screen."""
        if not 0 <= index < len(self._results) or not self._in_call:
            return
        row = self._results[index]
        self._send(row["kind"], row["ref"], row["title"], row["text"])
        self._notice = translate("incall", "已推送到村民屏幕：%1").replace("%1", row["title"])
        self.changed.emit()

    @Slot(str)
    def pushForm(self, form_id: str) -> None:
        """推送表格: the form opens on the terminal; both fill it from now on."""
        spec = self.forms.get(form_id)
        if spec is None or not self._in_call:
            return
        self.cofill = CoFill(spec)
        values = getattr(self.flow, "form_values", None)  # answers given earlier in this call stay
        for field_id, value in (values(spec.id) if callable(values) else {}).items():
            self.cofill.apply(field_id, value, FieldOrigin.NONE.value)
        self._submitted = ""
        self._send(ContentKind.FORM.value, spec.id, spec.title, spec.intro)
        self._notice = translate("incall", "已把表格推送给村民：%1").replace("%1", spec.title)
        self.changed.emit()

    def _send(self, kind: str, ref: str, title: str, text: str) -> None:
        self._runner.run(self.flow.push_content(kind, ref, title, text), name="push-content")

    @Slot(str, str)
    def setField(self, field_id: str, value: str) -> None:
        """The lawyer fills or corrects one field; the terminal shows it at once."""
        if self.cofill is None or self.cofill.values.get(field_id, "") == value:
            return
        if not self.cofill.apply(field_id, value, FieldOrigin.LAWYER.value):
            return
        self._runner.run(self.flow.patch_form(self.cofill.spec.id, field_id, value), name="patch-form")
        self.changed.emit()

    @Slot()
    def closeForm(self) -> None:
        """Stop showing the co-filled form here (the villager's copy stays on the terminal)."""
        self.cofill = None
        self._submitted = ""
        self.changed.emit()

    def _check_layout(self) -> None:
        ids = [row["id"] for row in self._rows()]
        if ids != self._field_ids:
            self._field_ids = ids
            self.layoutChanged.emit()

    # --- properties --------------------------------------------------------------------------------
    def _form_list(self) -> list[dict[str, str]]:
        return [{"id": s.id, "title": s.title} for s in self.forms.values()]

    def _rows(self) -> list[dict[str, Any]]:
        return self.cofill.rows() if self.cofill else []

    query = Property(str, lambda self: self._query, notify=changed)
    results = Property(list, lambda self: self._results, notify=changed)
    formList = Property(list, _form_list, constant=True)
    formId = Property(str, lambda self: self.cofill.spec.id if self.cofill else "", notify=changed)
    formTitle = Property(str, lambda self: self.cofill.spec.title if self.cofill else "", notify=changed)
    fields = Property(list, _rows, notify=changed)
    fieldIds = Property(list, lambda self: self._field_ids, notify=layoutChanged)
    submitted = Property(str, lambda self: self._submitted, notify=changed)
    notice = Property(str, lambda self: self._notice, notify=changed)
    searchReady = Property(bool, lambda self: self.engine is not None, notify=changed)
    lawChoices = Property(list, _law_choices, notify=changed)
    inCall = Property(bool, lambda self: self._in_call, notify=changed)
    panelOpen = Property(bool, lambda self: self._open, notify=changed)
