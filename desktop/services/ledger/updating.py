"""Writing the changes an import makes to files on record: through the import's one
:class:`models.audit.Operation` (the whole import is one undo step)."""

from __future__ import annotations

from desktop.jobs import JobState
from desktop.services.entrepreneurs import search_blob
from models.audit import Operation
from models.entrepreneur import EntrepreneurSearch, Venture, current_stage, live_ventures
from models.ledger.plan import PersonGroup
from models.pinyin import name_search_keys


def write_updates(operation: Operation, groups: list[PersonGroup], job: JobState) -> None:
    session, actor = operation.session, operation.actor
    for position, group in enumerate(groups):
        if position % 200 == 0:
            job.report(position, len(groups), f"正在更新档案 {position:,}/{len(groups):,}")
        record = group.existing
        assert record is not None
        if group.restore:  # sent to the recycle bin by an undone import: this import brings it back
            operation.set_deleted(record, False, subject_id=record.id)
        for venture, changes in group.venture_updates.values():
            operation.update(venture, changes, subject_id=record.id)
        for _row, venture_data in group.new_ventures:
            venture = Venture(
                entrepreneur_id=record.id,
                station_code=actor.station_code,
                updated_by=actor.user_name,
                **venture_data.column_values(),
            )
            operation.create(venture, subject_id=record.id)
        session.flush()
        live = live_ventures(session, record.id)
        values = dict(group.person.column_values())
        keys = name_search_keys(group.person.name)
        values["name_pinyin"] = keys[0] if keys else group.person.name
        values["current_stage"] = current_stage(live)
        operation.update(record, values, subject_id=record.id)
        blob = search_blob(record.name, record.id_number, record.phone, [v.name for v in live])
        search = session.get(EntrepreneurSearch, record.id)
        if search is None:
            session.add(EntrepreneurSearch(entrepreneur_id=record.id, blob=blob))
        else:
            search.blob = blob
