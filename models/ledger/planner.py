"""The planner: a ledger's rows made into a plan — each row validated with the form's validators, the
rows of the same person (same ID number) grouped, and what is new, updated, unchanged or refused.

Pure: it takes what is on file as arguments and never opens a session. The import service
(:mod:`desktop.services.ledger.importing`) runs it in four steps, loading between them what the next
step needs::

    planning = start_plan(table, mapping, today=...)        # the mapping checked, the ID numbers read
    plan_rows(planning, existing, ventures, ...)             # files on record for planning.id_numbers()
    flag_possible_duplicates(by_name, records, ...)          # files with the new people's names
    planned = finish_plan(planning, job)
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from models.entrepreneur import Entrepreneur, Venture, validate_person
from models.errors import ValidationError
from models.ledger.bulk import Progress
from models.ledger.cells import FOOTER_REASONS, cell_text, is_blank, non_data_reason
from models.ledger.choices import person_raw, venture_raw
from models.ledger.columns import FIELDS_BY_KEY, VENTURE, check_mapping, form_label
from models.ledger.matching import (
    column_labels,
    form_errors,
    masked_id,
    person_conflict,
    person_field_label,
    person_form,
    plan_venture,
    row_problem,
    shown,
    venture_field_label,
)
from models.ledger.plan import ImportPlan, PersonGroup, Planned, RowKind, RowOutcome, RowProblem
from models.ledger.sheet import LedgerTable, SourceRow
from models.ledger.values import upgrade_id_number
from models.ledger.words import Answers, CategoryReader, Refused, UnknownValues, find_unknown_values
from models.masking import mask_id_number
from models.validators import IdNumber, normalise_text, parse_id_number

DeletedMessage = Callable[[Entrepreneur, str], str]  # (a file in the recycle bin, its ID number) → text


def validate_mapping(table: LedgerTable, mapping: Mapping[int, str]) -> None:
    """Refuse a mapping the import cannot run with (no name or ID column, a field twice, venture
    columns without the venture's name)."""
    check_mapping(mapping)
    mapped = {key for key in mapping.values() if key}
    venture_fields = [FIELDS_BY_KEY[k].label for k in mapped if FIELDS_BY_KEY[k].group == VENTURE]
    if venture_fields and "venture.name" not in mapped:
        raise ValidationError(
            "列对应关系",
            None,
            f"已选择了创业项目的列（{'、'.join(venture_fields)}），还需要为“创业项目/经营主体名称”选择对应的列",
        )
    for index in mapping:
        if index >= len(table.columns):
            raise ValidationError("列对应关系", index, f"第 {index + 1} 列不存在")


@dataclass
class Planning:
    """A plan being made: the mapping's columns, the ID numbers of the rows, then the rows checked."""

    table: LedgerTable
    active: dict[int, str]  # column index → field key, for the columns that are imported
    labels: dict[str, int]
    id_column: int
    name_column: int
    today: date
    identities: dict[int, IdNumber]  # row number → its ID number, for the rows whose ID number parses
    reader: CategoryReader = field(default_factory=CategoryReader)
    upgraded: set[int] = field(default_factory=set)  # rows whose 15-digit ID number was converted
    outcomes: dict[int, RowOutcome] = field(default_factory=dict)
    row_names: dict[int, str] = field(default_factory=dict)
    groups: dict[str, PersonGroup] = field(default_factory=dict)

    def id_numbers(self) -> list[str]:
        """The ID numbers of the file that parse, sorted: the files on record to load."""
        return sorted({identity.number for identity in self.identities.values()})

    def new_people_by_name(self) -> dict[str, list[PersonGroup]]:
        """The people who would get a new file, by name: the files with the same name to load."""
        by_name: dict[str, list[PersonGroup]] = {}
        for group in self.groups.values():
            if group.existing is None:
                by_name.setdefault(group.person.name, []).append(group)
        return by_name


def start_plan(
    table: LedgerTable, mapping: Mapping[int, str], *, today: date, answers: Answers | None = None
) -> Planning:
    """Check the mapping and the category words (every word recognised or answered: raises
    :class:`~models.ledger.words.UnknownValues` otherwise, never a guess), and read every row's ID
    number (once: the person's validator reuses it; a 15-digit first-generation number converted)."""
    validate_mapping(table, mapping)
    active = {index: key for index, key in mapping.items() if key}
    reader = CategoryReader(answers)
    unknown = find_unknown_values(table, active, reader)
    if unknown:
        raise UnknownValues(unknown, table)
    labels = column_labels(table, active)
    id_column = next(index for index, key in active.items() if key == "id_number")
    name_column = next(index for index, key in active.items() if key == "name")

    identities: dict[int, IdNumber] = {}
    upgraded: set[int] = set()
    label = form_label("id_number")
    for row in table.rows:
        value, converted = upgrade_id_number(row.value(id_column))
        try:
            identities[row.number] = parse_id_number(
                None if is_blank(value) else value, field=label, today=today
            )
        except ValidationError:
            continue
        if converted:
            upgraded.add(row.number)
    return Planning(
        table, active, labels, id_column, name_column, today, identities, reader=reader, upgraded=upgraded
    )


def plan_rows(
    planning: Planning,
    existing: Mapping[str, Entrepreneur],
    ventures: Mapping[str, list[Venture]],
    *,
    deleted_message: DeletedMessage,
    job: Progress,
    restorable: Collection[str] = (),
) -> None:
    """Check every row against the files on record (``existing`` by ID number, their live ``ventures``
    by entrepreneur id, oldest first) and the earlier rows of the same person; group the rows by person."""
    table, labels, today = planning.table, planning.labels, planning.today
    id_column, name_column, active = planning.id_column, planning.name_column, planning.active
    identities, outcomes = planning.identities, planning.outcomes
    row_names, groups = planning.row_names, planning.groups
    total = len(table.rows)

    reader = planning.reader
    ordered_keys = sorted(active.values())
    group_of_row: dict[int, PersonGroup] = {}
    columns = list(active.items())
    for position, row in enumerate(table.rows):
        if position % 500 == 0:
            job.report(position, total, f"正在检查第 {row.number:,} 行")
        cells, width = row.values, len(row.values)
        values = {key: cells[index] if index < width else None for index, key in columns}
        name_text = normalise_text(cell_text(row.value(name_column)))
        row_names[row.number] = name_text
        reason = non_data_reason(cells)
        if reason is not None:
            masked = masked_id(row.value(id_column))
            outcomes[row.number] = RowOutcome(row.number, RowKind.SKIPPED, "", masked, reason)
            continue
        p_raw = person_raw(values, reader)
        v_raw = venture_raw(values, reader)
        if not p_raw and not v_raw and all(is_blank(v) for v in values.values()):
            outcomes[row.number] = RowOutcome(
                row.number, RowKind.SKIPPED, "", "", "所选的列都是空的（其他列有内容）"
            )
            continue

        def refuse(problems: list[RowProblem], row: SourceRow = row, name: str = name_text) -> None:
            outcomes[row.number] = RowOutcome(
                row.number, RowKind.REFUSED, name, masked_id(row.value(id_column)), "", tuple(problems)
            )

        chosen = _refused_words(table, row, active, values, reader) if reader.refuses else []
        if chosen:
            refuse(chosen)
            continue
        identity = identities.get(row.number)
        if identity is None:
            try:
                validate_person(p_raw)
            except ValidationError as error:
                refuse([row_problem(table, row, labels, e) for e in form_errors(error)])
            continue
        group = groups.get(identity.number)
        record = existing.get(identity.number) if group is None else group.existing
        if record is not None and record.deleted and record.id not in restorable:
            masked = masked_id(row.value(id_column))
            match_text = deleted_message(record, identity.number)
            refuse(
                [
                    RowProblem(
                        row.number,
                        table.column_label(id_column),
                        masked,
                        f"{match_text}：请先在回收站中恢复该档案，再导入",
                    )
                ]
            )
            continue
        base = person_form(record) if record is not None else {}
        merged = {**base, **(group.raw if group is not None else {}), **p_raw}
        problems: list[RowProblem] = []
        try:  # the row's ID number was checked above, with the same validator: not again
            person = validate_person(merged, identity=identity)
        except ValidationError as error:
            problems += [row_problem(table, row, labels, e) for e in form_errors(error)]
            person = None
        if record is not None and person is not None and person.name != record.name:
            # Matched by ID number, but the name says someone else: a typing error far more often than a
            # change of name, which the file's form is for.
            problems.append(
                RowProblem(
                    row.number,
                    table.column_label(name_column),
                    person.name,
                    f"身份证号码 {mask_id_number(record.id_number)} 已有档案：{record.name}"
                    f"（档案号 {record.case_number}），与本行姓名“{person.name}”不同：请核对身份证号码；"
                    "如确实改了名，请在档案中修改姓名",
                )
            )
        if group is not None and person is not None and not problems:
            conflict = person_conflict(group, p_raw, merged, base)
            if conflict:
                label, before, after = conflict
                problems.append(
                    RowProblem(
                        row.number,
                        table.column_label(labels.get(label, name_column)),
                        after,
                        f"与第 {group.first_row} 行是同一身份证号码，但{label}不同"
                        f"（第 {group.first_row} 行：{before}；本行：{after}），请核对后合并成一行再导入",
                    )
                )
        signature = tuple(values[key] for key in ordered_keys)  # cells as read: hashable values
        if group is not None and not problems and signature in group.signatures:
            outcomes[row.number] = RowOutcome(
                row.number,
                RowKind.SKIPPED,
                name_text,
                masked_id(row.value(id_column)),
                f"与第 {group.signatures[signature]} 行重复，已跳过",
            )
            continue
        # The venture on this row, if any: matched to one on file (credit code, else name) or new.
        venture_plan: tuple[str, Any] | None = None
        if v_raw:
            if is_blank(v_raw.get("name")):
                index = labels.get(form_label("venture.name"), name_column)
                problems.append(
                    RowProblem(
                        row.number,
                        table.column_label(index),
                        "",
                        "填写了创业项目的信息，但“创业项目/经营主体名称”是空的，请补上名称",
                    )
                )
            else:
                try:
                    venture_plan = plan_venture(
                        group,
                        ventures.get(record.id, []) if record is not None else [],
                        v_raw,
                        today,
                    )
                except ValidationError as error:
                    problems += [row_problem(table, row, labels, e) for e in form_errors(error)]
                if venture_plan is not None and venture_plan[0] == "conflict":
                    problems.append(
                        RowProblem(
                            row.number,
                            table.column_label(labels.get(form_label("venture.name"), name_column)),
                            cell_text(v_raw.get("name")),
                            f"与第 {venture_plan[1]} 行是同一个创业项目，但内容不同，"
                            "请核对后合并成一行再导入",
                        )
                    )
        if problems or person is None:
            refuse(problems)
            continue
        if group is None:
            group = PersonGroup(
                id_number=identity.number,
                first_row=row.number,
                rows=[],
                raw=dict(p_raw),
                person=person,
                existing=record,
                restore=record is not None and record.deleted,
                existing_ventures=ventures.get(record.id, []) if record is not None else [],
            )
            groups[identity.number] = group
        else:
            group.raw.update(p_raw)
            group.person = person
        group.rows.append(row.number)
        group.signatures.setdefault(signature, row.number)
        group_of_row[row.number] = group
        details = group.row_details.setdefault(row.number, [])
        if row.number in planning.upgraded:
            details.append(f"15 位旧身份证号码已换算为 18 位（{mask_id_number(identity.number)}）")
        if venture_plan is not None:
            kind, payload = venture_plan
            if kind == "new":
                group.new_ventures.append((row.number, payload))
                details.append(f"新增创业项目“{payload.name}”")
            elif kind == "update":
                venture, changes = payload
                if changes:
                    previous = group.venture_updates.get(venture.id, (venture, {}))[1]
                    group.venture_updates[venture.id] = (venture, {**previous, **changes})
                    details.append(
                        f"更新创业项目“{venture.name}”：" + "、".join(venture_field_label(k) for k in changes)
                    )

    # Person changes of files on record.
    for group in groups.values():
        if group.existing is not None:
            wanted = group.person.column_values()
            group.person_changes = {
                key: value for key, value in wanted.items() if getattr(group.existing, key) != value
            }


def _refused_words(
    table: LedgerTable,
    row: SourceRow,
    active: Mapping[int, str],
    values: Mapping[str, object],
    reader: CategoryReader,
) -> list[RowProblem]:
    """The category cells whose word the worker chose not to import (:data:`models.ledger.words.REFUSE`)."""
    problems = []
    for index, key in active.items():
        if key in _CATEGORY_KEYS and not is_blank(values[key]):
            read = reader.read(key, values[key])
            if isinstance(read, Refused):
                problems.append(
                    RowProblem(row.number, table.column_label(index), cell_text(values[key]), read.reason)
                )
    return problems


_CATEGORY_KEYS = frozenset({"key_groups", "education", "venture.entity_type", "venture.stage"})


def flag_possible_duplicates(
    by_name: Mapping[str, list[PersonGroup]],
    records: Iterable[Entrepreneur],
    table: LedgerTable,
    name_column: int,
) -> None:
    """The form asks before it files a person with the name and birth date of a file on record; an import
    cannot ask per row, so such rows are refused with the reason unless the worker allowed them.

    ``by_name``: :meth:`Planning.new_people_by_name`; ``records``: live files with those names."""
    for record in records:
        for group in by_name.get(record.name, []):
            if group.person.birth_date == record.birth_date and group.refused is None:
                group.refused = RowProblem(
                    group.first_row,
                    table.column_label(name_column),
                    group.person.name,
                    f"与已有档案 {record.name}（档案号 {record.case_number}，"
                    f"{mask_id_number(record.id_number)}）"
                    "同名同出生日期，可能是同一人：请核对身份证号码；确认不是同一人时，"
                    "勾选“同名同出生日期的也导入”后再导入",
                )


def finish_plan(planning: Planning, job: Progress) -> Planned:
    """The plan: an outcome for every row, the counts, and the people to create or update."""
    table, outcomes, row_names, groups = (
        planning.table,
        planning.outcomes,
        planning.row_names,
        planning.groups,
    )
    total = len(table.rows)
    created = updated = unchanged = 0
    ventures_created = ventures_updated = 0
    for group in groups.values():
        if group.refused is not None:
            for number in group.rows:
                problem = RowProblem(number, group.refused.column, group.refused.value, group.refused.reason)
                outcomes[number] = RowOutcome(
                    number,
                    RowKind.REFUSED,
                    row_names[number],
                    mask_id_number(group.id_number),
                    "",
                    (problem,),
                )
            continue
        if group.existing is None or group.restore:
            kind = RowKind.CREATE
            created += 1
        elif group.changed:
            kind = RowKind.UPDATE
            updated += 1
        else:
            kind = RowKind.UNCHANGED
            unchanged += 1
        ventures_created += len(group.new_ventures)
        ventures_updated += len(group.venture_updates)
        for number in group.rows:
            details = list(group.row_details.get(number, []))
            if number == group.first_row and group.person_changes:
                details.insert(
                    0,
                    "；".join(
                        f"{person_field_label(k)}：{shown(getattr(group.existing, k))} → {shown(v)}"
                        for k, v in group.person_changes.items()
                        if k not in ("birth_date", "sex")
                    ),
                )
            if kind is RowKind.CREATE and number == group.first_row:
                details.insert(0, "恢复撤销导入时移到回收站的档案" if group.restore else "新建档案")
            elif number != group.first_row:
                details.insert(0, f"同第 {group.first_row} 行的人")
            outcomes[number] = RowOutcome(
                number,
                kind,
                group.person.name,
                mask_id_number(group.id_number),
                "；".join(d for d in details if d),
            )
    job.report(total, total, "检查完毕")
    ordered_outcomes = tuple(outcomes[number] for number in sorted(outcomes))
    plan = ImportPlan(
        file_name=table.path.name,
        sheet=table.sheet,
        rows=ordered_outcomes,
        created=created,
        updated=updated,
        unchanged=unchanged,
        refused=sum(1 for o in ordered_outcomes if o.kind is RowKind.REFUSED),
        skipped=sum(1 for o in ordered_outcomes if o.kind is RowKind.SKIPPED),
        footers=sum(1 for o in ordered_outcomes if o.kind is RowKind.SKIPPED and o.detail in FOOTER_REASONS),
        ventures_created=ventures_created,
        ventures_updated=ventures_updated,
        notes=table.notes,
    )
    return Planned(plan, [g for g in groups.values() if g.refused is None])
