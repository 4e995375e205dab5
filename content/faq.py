"""FAQ entries written for villagers: the data model, the loader and the citation check."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from protocol.messages import Topic

FAQ_DIR = Path(__file__).parent / "data" / "faq"


@dataclass(frozen=True)
class FaqTopic:
    """One FAQ topic: the Chinese name shown on its tile and the slug naming its data file."""

    name: str
    slug: str


# The topics in the order the kiosk shows their tiles.
TOPICS: tuple[FaqTopic, ...] = (
    FaqTopic("婚姻家庭", "marriage_family"),
    FaqTopic("赡养抚养", "support"),
    FaqTopic("继承", "inheritance"),
    FaqTopic("劳动争议与欠薪", "labour_wages"),
    FaqTopic("工伤", "work_injury"),
    FaqTopic("交通事故", "traffic"),
    FaqTopic("民间借贷", "loans"),
    FaqTopic("土地承包与宅基地", "land"),
    FaqTopic("房屋与物业", "housing"),
    FaqTopic("消费维权", "consumer"),
    FaqTopic("人身损害", "personal_injury"),
    FaqTopic("法律援助与办事指南", "legal_aid_guide"),
    FaqTopic("电信诈骗防范", "fraud"),
    FaqTopic("人民调解", "mediation"),
)
TOPIC_BY_SLUG: dict[str, FaqTopic] = {t.slug: t for t in TOPICS}

# What the answer screen may offer next: a video call, or one of the forms.
NEXT_STEPS: frozenset[str] = frozenset(
    {"call", "form:legal_aid", "form:mediation", "form:notary", "form:adviser", "form:callback"}
)
CALL_TOPICS: frozenset[str] = frozenset(t.value for t in Topic)


class FaqDataError(ValueError):
    """A FAQ data file is malformed; the message names the file and the entry."""


@dataclass(frozen=True)
class LawRef:
    """A statute article an answer rests on, spelled exactly as in the statute corpus."""

    law: str
    article: str

    def label(self) -> str:
        """Short form for display, e.g. 《民法典》第一千零七十九条."""
        short = self.law.removeprefix("中华人民共和国")
        return f"《{short}》{self.article}"


@dataclass(frozen=True)
class FaqEntry:
    """One question with its plain answer, steps, supporting articles and the next service."""

    id: str
    topic: str  # the topic's slug
    question: str
    aliases: tuple[str, ...]
    answer: str
    steps: tuple[str, ...]
    laws: tuple[LawRef, ...]
    next_steps: tuple[str, ...]
    call_topic: str

    @property
    def topic_name(self) -> str:
        """The topic's Chinese name."""
        return TOPIC_BY_SLUG[self.topic].name


def _text(raw: Mapping[str, Any], key: str, where: str) -> str:
    value = raw.get(key)
    if not isinstance(value, str) or not value.strip():
        raise FaqDataError(f"{where}: '{key}' must be a non-empty string")
    return value.strip()


def _texts(raw: Mapping[str, Any], key: str, where: str, *, allow_empty: bool = False) -> tuple[str, ...]:
    value = raw.get(key)
    if not isinstance(value, list) or (not value and not allow_empty):
        raise FaqDataError(f"{where}: '{key}' must be a non-empty list of strings")
    items: list[str] = []
    for i, item in enumerate(value):
        if not isinstance(item, str) or not item.strip():
            raise FaqDataError(f"{where}: '{key}'[{i}] must be a non-empty string")
        items.append(item.strip())
    return tuple(items)


def _laws(raw: Mapping[str, Any], where: str) -> tuple[LawRef, ...]:
    value = raw.get("laws")
    if not isinstance(value, list) or not value:
        raise FaqDataError(f"{where}: 'laws' must be a non-empty list")
    refs: list[LawRef] = []
    for i, item in enumerate(value):
        if not isinstance(item, dict):
            raise FaqDataError(f"{where}: laws[{i}] must be an object with 'law' and 'article'")
        at = f"{where} laws[{i}]"
        refs.append(LawRef(_text(item, "law", at), _text(item, "article", at)))
    return tuple(refs)


def parse_entry(raw: Any, slug: str, where: str) -> FaqEntry:
    """Build one FaqEntry from its JSON object, raising FaqDataError that names `where`."""
    if not isinstance(raw, dict):
        raise FaqDataError(f"{where}: an entry must be a JSON object")
    entry_id = _text(raw, "id", where)
    where = f"{where} ({entry_id})"
    if not entry_id.startswith(f"{slug}-"):
        raise FaqDataError(f"{where}: id must start with '{slug}-'")
    next_steps = _texts(raw, "next_steps", where)
    unknown = [s for s in next_steps if s not in NEXT_STEPS]
    if unknown:
        raise FaqDataError(f"{where}: unknown next_steps {unknown}; allowed: {sorted(NEXT_STEPS)}")
    call_topic = _text(raw, "call_topic", where)
    if call_topic not in CALL_TOPICS:
        raise FaqDataError(f"{where}: unknown call_topic '{call_topic}'; allowed: {sorted(CALL_TOPICS)}")
    return FaqEntry(
        id=entry_id,
        topic=slug,
        question=_text(raw, "question", where),
        aliases=_texts(raw, "aliases", where, allow_empty=True),
        answer=_text(raw, "answer", where),
        steps=_texts(raw, "steps", where),
        laws=_laws(raw, where),
        next_steps=next_steps,
        call_topic=call_topic,
    )


def load_faq_file(path: Path) -> list[FaqEntry]:
    """Load one topic file ({"topic", "slug", "entries"}), raising FaqDataError naming the file."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise FaqDataError(f"{path.name}: cannot read FAQ file: {exc}") from exc
    if not isinstance(data, dict):
        raise FaqDataError(f"{path.name}: must hold a JSON object with 'topic', 'slug' and 'entries'")
    slug = data.get("slug")
    topic = TOPIC_BY_SLUG.get(slug) if isinstance(slug, str) else None
    if topic is None:
        raise FaqDataError(f"{path.name}: unknown slug {slug!r}; allowed: {sorted(TOPIC_BY_SLUG)}")
    if path.stem != topic.slug:
        raise FaqDataError(f"{path.name}: file name must be {topic.slug}.json for slug '{topic.slug}'")
    if data.get("topic") != topic.name:
        raise FaqDataError(f"{path.name}: topic must be '{topic.name}' for slug '{topic.slug}'")
    entries = data.get("entries")
    if not isinstance(entries, list) or not entries:
        raise FaqDataError(f"{path.name}: 'entries' must be a non-empty list")
    return [parse_entry(raw, topic.slug, f"{path.name} entry {i}") for i, raw in enumerate(entries)]


def load_faq(directory: Path = FAQ_DIR) -> list[FaqEntry]:
    """Load every topic file in `directory`, in topic order; ids must be unique across files."""
    by_slug = {p.stem: p for p in sorted(directory.glob("*.json"))}
    unknown = sorted(set(by_slug) - set(TOPIC_BY_SLUG))
    if unknown:
        raise FaqDataError(f"{directory}: files for unknown topics: {unknown}")
    entries: list[FaqEntry] = []
    seen: dict[str, str] = {}
    for topic in TOPICS:
        path = by_slug.get(topic.slug)
        if path is None:
            continue
        for entry in load_faq_file(path):
            if entry.id in seen:
                raise FaqDataError(f"{path.name}: id {entry.id} already used in {seen[entry.id]}")
            seen[entry.id] = path.name
            entries.append(entry)
    return entries


def faq_by_topic(entries: Iterable[FaqEntry]) -> dict[str, list[FaqEntry]]:
    """Group entries by topic slug, keys in tile order (topics without entries left out)."""
    groups: dict[str, list[FaqEntry]] = {t.slug: [] for t in TOPICS}
    for entry in entries:
        groups.setdefault(entry.topic, []).append(entry)
    return {slug: items for slug, items in groups.items() if items}


# The FAQ topics a call's topic (protocol.messages.Topic value) is about, closest first; general: none.
CALL_TOPIC_FAQ: dict[str, tuple[str, ...]] = {
    Topic.MARRIAGE_FAMILY.value: ("marriage_family", "support"),
    Topic.LABOUR_WAGES.value: ("labour_wages", "work_injury"),
    Topic.TRAFFIC.value: ("traffic", "personal_injury"),
    Topic.LOANS_CONTRACTS.value: ("loans", "consumer"),
    Topic.LAND.value: ("land",),
    Topic.HOUSING.value: ("housing",),
    Topic.INHERITANCE_SUPPORT.value: ("inheritance", "support"),
    Topic.CRIMINAL.value: ("fraud", "personal_injury"),
}


def for_call_topic(entries: Iterable[FaqEntry], call_topic: str) -> list[FaqEntry]:
    """All entries, the call topic's own FAQ topics first (in CALL_TOPIC_FAQ order), then the rest."""
    slugs = CALL_TOPIC_FAQ.get(call_topic, ())
    rank = {slug: n for n, slug in enumerate(slugs)}
    return sorted(entries, key=lambda e: rank.get(e.topic, len(slugs)))  # stable: file order kept


def check_citations(entries: Iterable[FaqEntry], articles: Iterable[tuple[str, str]]) -> list[str]:
    """List every cited (law, article) missing from `articles`, one problem per line."""
    known = set(articles)
    problems: list[str] = []
    for entry in entries:
        problems.extend(
            f"{entry.id}: {ref.law} {ref.article} is not in the statute corpus"
            for ref in entry.laws
            if (ref.law, ref.article) not in known
        )
    return problems
