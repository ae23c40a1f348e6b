"""The data contract: one spec per table (pyarrow schema, key, enums, metadata for the sidecar).

The sidecar ``data/<table>.meta.yml`` is written from these specs by the build, so the titles and
units that the pages show and the ones in the files never drift apart.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import pyarrow as pa

TABLE_NAMES = ("regions", "industries", "indicators", "sources", "observations", "entities",
               "targets", "revisions")

KINDS = ("growth", "level", "count", "share", "rank", "pp")
TIERS = ("A", "B", "C")
STATUSES = ("published", "preliminary", "derived")
QUALIFIERS = ("", ">", ">=", "~")
ENTITY_TYPES = ("cluster", "park", "base", "lighthouse_factory", "innovation_centre", "platform",
                "smart_factory")
ENTITY_LEVELS = ("global", "national", "provincial", "municipal")
COMPARATORS = (">=", ">", "<=", "=")
# monthly and quarterly: mid next month; annual: by the next spring; "": no regular release.
RELEASE_RHYTHMS = ("monthly", "quarterly", "annual", "")
REGION_LEVELS = ("world", "country", "province", "city", "district", "county_city",
                 "peer_city")  # peer_city: a sub-provincial city Qingdao is compared with
INDUSTRY_LEVELS = ("total", "section", "group", "division")


@dataclass(frozen=True)
class Column:
    """One column: its Arrow type, whether it may be empty, and its titles and unit."""

    name: str
    type: pa.DataType
    title_zh: str
    title_en: str
    unit: str = ""
    nullable: bool = False
    enum: tuple[str, ...] | None = None


@dataclass(frozen=True)
class TableSpec:
    """A table: its columns in order, its key, and the words of its sidecar."""

    name: str
    title_zh: str
    title_en: str
    description: str
    key: tuple[str, ...]
    columns: tuple[Column, ...]
    processing: str = ""
    list_columns: tuple[str, ...] = field(default=())

    @property
    def schema(self) -> pa.Schema:
        """The explicit Arrow schema the Parquet file must have."""
        return pa.schema([pa.field(c.name, c.type, nullable=c.nullable) for c in self.columns])

    def column(self, name: str) -> Column:
        """The column called ``name``."""
        return next(c for c in self.columns if c.name == name)


S = pa.string()
_PROCESSING = ("Built by `python -m metrics.build` from data/src/{name}/*.csv (concatenated in "
               "file-name order), validated, sorted by key, written with an explicit schema.")

SPECS: dict[str, TableSpec] = {
    "regions": TableSpec(
        "regions", "地区", "Regions",
        "China, Shandong, Qingdao and Qingdao's ten county-level units, with GB/T 2260 codes.",
        ("region_code",),
        (Column("region_code", S, "地区代码", "Region code (GB/T 2260)"),
         Column("name_zh", S, "中文名称", "Chinese name"),
         Column("name_en", S, "英文名称", "English name"),
         Column("level", S, "层级", "Level", enum=REGION_LEVELS),
         Column("parent_code", S, "上级代码", "Parent code", nullable=True)),
        _PROCESSING.format(name="regions")),
    "industries": TableSpec(
        "industries", "行业", "Industries",
        "Above-scale industry, manufacturing, the high-tech and equipment groups and the 31 "
        "manufacturing divisions of GB/T 4754-2017.",
        ("industry_code",),
        (Column("industry_code", S, "行业代码", "Industry code"),
         Column("name_zh", S, "中文名称", "Chinese name"),
         Column("name_en", S, "英文名称", "English name"),
         Column("level", S, "层级", "Level", enum=INDUSTRY_LEVELS),
         Column("parent_code", S, "上级代码", "Parent code", nullable=True),
         Column("note", S, "说明", "Note", nullable=True)),
        _PROCESSING.format(name="industries")),
    "indicators": TableSpec(
        "indicators", "指标", "Indicators",
        "What each published figure measures: unit, kind, period basis and scope.",
        ("indicator_id",),
        (Column("indicator_id", S, "指标代码", "Indicator id"),
         Column("name_zh", S, "中文名称", "Chinese name"),
         Column("name_en", S, "英文名称", "English name"),
         Column("unit_zh", S, "单位", "Unit (Chinese)"),
         Column("unit_en", S, "单位(英文)", "Unit (English)"),
         Column("kind", S, "类型", "Kind", enum=KINDS),
         Column("period_basis", S, "期别口径", "Period basis",
                enum=("cumulative", "month", "quarter", "annual", "as_of", "multi_year")),
         Column("scope", S, "统计范围", "Scope", nullable=True),
         Column("definition_zh", S, "定义", "Definition (Chinese)"),
         Column("definition_en", S, "定义(英文)", "Definition (English)")),
        _PROCESSING.format(name="indicators")),
    "sources": TableSpec(
        "sources", "来源", "Sources",
        "Where each figure was published: publisher, title, date, link and tier (A official "
        "site, B mainstream or official media, C repost of unknown provenance).",
        ("source_id",),
        (Column("source_id", S, "来源代码", "Source id"),
         Column("publisher", S, "发布机构", "Publisher"),
         Column("title", S, "标题", "Title"),
         Column("date_published", S, "发布日期", "Date published"),
         Column("url", S, "链接", "Link", nullable=True),
         Column("tier", S, "来源等级", "Tier", enum=TIERS),
         Column("note", S, "说明", "Note", nullable=True),
         # Where the figure was read when that is a copy of the publisher's release (a news
         # site, a mirror): the publisher stays the one who published it.
         Column("carrier", S, "转载来源", "Carrier (copy read)", nullable=True),
         Column("carrier_url", S, "转载链接", "Carrier link", nullable=True)),
        _PROCESSING.format(name="sources")),
    "observations": TableSpec(
        "observations", "观测值", "Observations",
        "Every published (or derived) figure: one value per indicator, region, industry and "
        "period, with its source and the sentence it was read from.",
        ("indicator_id", "region_code", "industry_code", "period"),
        (Column("indicator_id", S, "指标代码", "Indicator id"),
         Column("region_code", S, "地区代码", "Region code"),
         Column("industry_code", S, "行业代码", "Industry code"),
         Column("period", S, "时期", "Period"),
         Column("value", pa.float64(), "数值", "Value", unit="the indicator's unit"),
         Column("qualifier", S, "限定", "Qualifier", enum=QUALIFIERS),
         Column("status", S, "状态", "Status", enum=STATUSES),
         Column("source_id", S, "来源代码", "Source id"),
         Column("quote", S, "原文", "Quoted sentence"),
         Column("derivation", S, "推算方法", "Derivation", nullable=True),
         Column("note", S, "说明", "Note", nullable=True),
         # True where the source does not state the period and it was inferred (the note says
         # how): the pages mark such periods so that they are not read as published.
         Column("period_inferred", pa.bool_(), "时期为推断", "Period inferred")),
        _PROCESSING.format(name="observations")
        + " Values are as published; derived values (status 'derived') carry their arithmetic."),
    "entities": TableSpec(
        "entities", "产业载体", "Entities",
        "Clusters, parks, bases, lighthouse factories, innovation centres and platforms, each in "
        "its district (empty when city-wide or spanning several cities).",
        ("entity_id",),
        (Column("entity_id", S, "代码", "Entity id"),
         Column("entity_type", S, "类型", "Type", enum=ENTITY_TYPES),
         Column("name_zh", S, "中文名称", "Chinese name"),
         Column("name_en", S, "英文名称", "English name"),
         Column("level", S, "级别", "Level", enum=ENTITY_LEVELS),
         Column("industry_codes", pa.list_(S), "行业代码", "Industry codes"),
         Column("district_code", S, "所在区市", "District code", nullable=True),
         Column("year", pa.int16(), "认定年份", "Year", nullable=True),
         Column("source_id", S, "来源代码", "Source id"),
         Column("quote", S, "原文", "Quoted sentence"),
         Column("note", S, "说明", "Note", nullable=True)),
        _PROCESSING.format(name="entities") + " industry_codes is split on ';'.",
        list_columns=("industry_codes",)),
    "targets": TableSpec(
        "targets", "目标", "Targets",
        "Stated targets with their period and source.",
        ("target_id",),
        (Column("target_id", S, "目标代码", "Target id"),
         Column("indicator_id", S, "指标代码", "Indicator id"),
         Column("region_code", S, "地区代码", "Region code"),
         Column("industry_code", S, "行业代码", "Industry code"),
         Column("period", S, "时期", "Period"),
         Column("comparator", S, "比较", "Comparator", enum=COMPARATORS),
         Column("target_value", pa.float64(), "目标值", "Target value",
                unit="the indicator's unit"),
         Column("description_zh", S, "描述", "Description (Chinese)"),
         Column("description_en", S, "描述(英文)", "Description (English)"),
         Column("source_id", S, "来源代码", "Source id"),
         Column("quote", S, "原文", "Quoted sentence"),
         Column("note", S, "说明", "Note", nullable=True),
         # How the figure that would be the target's actual is published (metrics/progress.py
         # derives the date the next one is due from it); empty: no regular release.
         Column("release_rhythm", S, "发布节奏", "Release rhythm", enum=RELEASE_RHYTHMS),
         # The nearest published figure of another indicator (same region and industry), shown
         # as context while no actual exists, and how it differs from the actual.
         Column("proxy_indicator_id", S, "参考指标代码", "Proxy indicator id", nullable=True),
         Column("proxy_note_zh", S, "参考指标说明", "Proxy note (Chinese)", nullable=True),
         Column("proxy_note_en", S, "参考指标说明(英文)", "Proxy note (English)", nullable=True)),
        _PROCESSING.format(name="targets")),
    "revisions": TableSpec(
        "revisions", "修订记录", "Revisions",
        "Earlier vintages of revised observations: the value first published (or an earlier "
        "revision), its source, and the data version that replaced it.",
        ("indicator_id", "region_code", "industry_code", "period", "superseded_in"),
        (Column("indicator_id", S, "指标代码", "Indicator id"),
         Column("region_code", S, "地区代码", "Region code"),
         Column("industry_code", S, "行业代码", "Industry code"),
         Column("period", S, "时期", "Period"),
         Column("value", pa.float64(), "原数值", "Earlier value", unit="the indicator's unit"),
         Column("qualifier", S, "限定", "Qualifier", enum=QUALIFIERS),
         Column("status", S, "状态", "Status", enum=STATUSES),
         Column("source_id", S, "来源代码", "Source id"),
         Column("quote", S, "原文", "Quoted sentence"),
         # The data version in which the earlier value was current, and the one (with its
         # date) whose release replaced it.
         Column("published_in", S, "发布版本", "Published in version"),
         Column("superseded_in", S, "被替换版本", "Superseded in version"),
         Column("superseded_on", S, "修订日期", "Revised on"),
         Column("note", S, "说明", "Note", nullable=True)),
        "Written by `python -m metrics.ingest publish` when a release changes a published value; "
        "empty in the base version built from data/src."),
    "translations": TableSpec(
        "translations", "译文", "Translations",
        "Translations of source titles, quoted sentences and notes, keyed by the original text "
        "exactly as it stands in the data: English pages show a title's or quote's English "
        "rendering beside the original, and every page shows notes in its own language.",
        ("text", "lang"),
        (Column("text", S, "原文", "Original text (exactly as in the data)"),
         # the language of the translation: en for Chinese titles and quotes, zh for the
         # English notes
         Column("lang", S, "译文语言", "Language of the translation", enum=("zh", "en")),
         Column("translation", S, "译文", "Translation"),
         Column("kind", S, "类别", "Kind", enum=("title", "quote", "note", "publisher")),
         Column("translator", S, "译者", "Translator")),
        _PROCESSING.format(name="translations")
        + " A translation keeps every number of the original (tests/test_translations.py)."),
}


def sidecar_dict(spec: TableSpec, n_rows: int, src_files: list[str]) -> dict:
    """The sidecar metadata of a table, as written to ``<table>.meta.yml``."""
    return {
        "table": {
            "name": spec.name,
            "title_zh": spec.title_zh,
            "title_en": spec.title_en,
            "description": spec.description,
            "key": list(spec.key),
            "rows": n_rows,
            "built_from": src_files,
            "processing": spec.processing,
        },
        "columns": {
            c.name: {"title_zh": c.title_zh, "title_en": c.title_en, "unit": c.unit,
                     "type": str(c.type), "nullable": c.nullable,
                     **({"allowed": list(c.enum)} if c.enum else {})}
            for c in spec.columns
        },
    }
