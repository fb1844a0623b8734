"""The convergence simulation (docs/simulation.md): HQ and N stations in one process on temporary
databases, a seeded workload through the real services, packages over a faulty channel, stations
restored from old backups, then a clean final exchange and the checks.

Every random choice comes from one ``random.Random(seed)``, drawn in a fixed order; the program's own
ids and clock are its own (record ids are random UUIDv7s: the checks compare by content)."""

from __future__ import annotations

import random
import shutil
import tempfile
import traceback
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from sqlmodel import select

from desktop.services import sync
from desktop.services.backup import back_up, restore_backup
from desktop.services.entrepreneurs import update_entrepreneur
from desktop.services.station import default_actor, operator
from desktop.services.sync.hq_side import hq_actor, quarantined_of
from desktop.services.sync.node import start_new_epoch, this_node
from desktop.services.sync.station_side import left_out
from desktop.sync_sim.channel import Channel, ChannelCounts, Faults
from desktop.sync_sim.compare import (
    Accounts,
    Disagreement,
    ReplayTemplates,
    account,
    change_ids,
    check_journal,
    compare_digests,
    compare_shared,
    shared_rows,
)
from desktop.sync_sim.workload import Names, Tally, Workload, field_value, live_people, person_data
from models.actor import Actor
from models.database import Database, open_database
from models.entrepreneur import PersonData
from models.errors import DoorstepError
from models.sync.tables import SyncConflict, SyncNotice, SyncPeer

HQ_CODE = "HQ"
EPOCH_MODES = ("mixed", "service", "detect")


@dataclass(frozen=True)
class SimConfig:
    stations: int = 3
    rounds: int = 6
    seed: int = 0
    loss: float = 0.2
    duplicate: float = 0.1
    reorder: float = 0.2
    restore: float = 0.05
    hq_url: str | None = None  # a postgresql:// URL of an empty database (default: HQ on SQLite)
    actions: int = 3  # at most this many actions per station per round
    final_rounds: int = 8  # lossless exchanges at the end, until quiet
    # a restored station's new epoch: started by the restore ("service"), left to the automatic
    # detection in HQ's next reply ("detect"), or either, by the seed ("mixed")
    epoch_on_restore: str = "mixed"
    # after a restore, the station files no new person until HQ has sent back the files the restore
    # lost (docs/simulation.md "Case numbers after a restore"); False shows what happens otherwise
    wait_after_restore: bool = True
    workdir: Path | None = None
    keep: bool = False  # keep the databases and packages (printed) for a look afterwards


@dataclass
class Node:
    code: str
    db: Database
    actor: Actor
    path: Path | None
    outbox: Path
    hq: bool = False
    backups: list[Path] = field(default_factory=list)
    lost: set[str] = field(default_factory=set)  # its own changes its restores took away
    exported: set[str] = field(default_factory=set)  # its own changes a package it wrote carried


@dataclass
class SimResult:
    config: SimConfig
    ok: bool = False
    disagreement: Disagreement | None = None
    error: str = ""
    accounts: Accounts = field(default_factory=Accounts)
    tally: Tally = field(default_factory=Tally)
    channel: ChannelCounts = field(default_factory=ChannelCounts)
    refused: Counter[str] = field(default_factory=Counter)  # package refusals, by their message's start
    restores: Counter[str] = field(default_factory=Counter)  # "service" / "detect"
    final_rounds: int = 0
    conflicts: int = 0
    notices: int = 0
    workdir: Path | None = None

    def lines(self) -> list[str]:
        c = self.config
        head = (
            f"种子 {c.seed}：{c.stations} 个服务站，{c.rounds} 轮，丢包 {c.loss}，重复 {c.duplicate}，"
            f"乱序 {c.reorder}，从旧备份恢复 {c.restore}，总部：{'PostgreSQL' if c.hq_url else 'SQLite'}"
        )
        done = "、".join(f"{k} {v}" for k, v in sorted(self.tally.done.items()))
        refused = "、".join(f"{k} {v}" for k, v in sorted(self.tally.refused.items()))
        ch = self.channel
        a = self.accounts
        lines = [
            head,
            f"操作：{done or '无'}（被拒绝：{refused or '无'}）",
            f"数据包：发出 {ch.sent}，丢失 {ch.lost}，重复 {ch.duplicated}，延迟 {ch.delayed}，"
            f"送达 {ch.delivered}；拒收 {sum(self.refused.values())}",
            f"从旧备份恢复：{sum(self.restores.values())} 次（恢复时开始新纪元 {self.restores['service']}，"
            f"靠总部回复自动发现 {self.restores['detect']}）；最后的无损交换 {self.final_rounds} 轮",
            f"变更：共 {a.made}，总部已有 {a.at_hq}，冲突列表中 {a.conflict_losers}，等待队列 {a.waiting}，"
            f"隔离 {a.quarantined}，恢复前未发出而随恢复丢失 {a.lost_to_restore}，下落不明 {len(a.missing)}",
            f"冲突列表 {self.conflicts} 条，通知 {self.notices} 条",
        ]
        for reason, count in sorted(self.refused.items()):
            lines.append(f"  拒收 {count} 次：{reason}")
        if self.error:
            lines.append(f"种子 {c.seed} 运行出错：{self.error}")
        if self.disagreement is not None:
            lines.append(f"种子 {c.seed} 不一致：{self.disagreement.line()}")
        if self.accounts.missing:
            lines.append(f"种子 {c.seed} 下落不明的变更（前 5 条）：{', '.join(self.accounts.missing[:5])}")
        if self.workdir is not None:
            lines.append(f"数据库和数据包保留在 {self.workdir}")
        lines.append("结果：一致" if self.ok else "结果：不一致")
        return lines


class Simulation:
    def __init__(self, config: SimConfig, templates: ReplayTemplates | None = None) -> None:
        if config.epoch_on_restore not in EPOCH_MODES:
            raise ValueError(f"epoch_on_restore: {config.epoch_on_restore}")
        self.config = config
        self.rng = random.Random(config.seed)
        self.result = SimResult(config)
        self.names = Names()
        self.made: set[str] = set()
        self.restored_away: set[str] = set()
        self.root = Path(tempfile.mkdtemp(prefix=f"sim-{config.seed}-", dir=config.workdir))
        self.templates = templates or ReplayTemplates(self.root / "templates")
        faults = Faults(config.loss, config.duplicate, config.reorder)
        self.channel = Channel(self.root / "channel", self.rng, faults)
        self.hq: Node | None = None
        self.stations: list[Node] = []

    # ------------------------------------------------------------------------------------- the run
    def run(self) -> SimResult:
        try:
            self.setup()
            for number in range(self.config.rounds):
                self.round(number)
            self.final(self.config.rounds)
            self.check()
        except Exception as error:  # a bug the run reports with its seed (never a refused action)
            self.result.error = where_raised(error)
        finally:
            self.close()
        return self.result

    def setup(self) -> None:
        ha = hq_actor(HQ_CODE)
        if self.config.hq_url:
            hq_db = open_database(self.config.hq_url)
            hq_path = None
        else:
            hq_path = self.root / "hq.sqlite"
            shutil.copyfile(self.templates.station, hq_path)
            hq_db = open_database(hq_path)
        sync.init_hq(hq_db, ha, code=HQ_CODE, name="模拟总部")
        self.hq = Node(HQ_CODE, hq_db, ha, hq_path, self._folder("out-HQ"), hq=True)
        for number in range(1, self.config.stations + 1):
            code = f"330106{number:03d}"
            enrolment = sync.enroll_station(
                hq_db, ha, code=code, name=f"模拟服务站{number}", out=self._folder("enrol") / f"{code}.dsync"
            )
            path = self.root / f"{code}.sqlite"
            shutil.copyfile(self.templates.station, path)
            db = open_database(path)
            sync.enrol_station(db, operator(), path=enrolment)
            self.stations.append(Node(code, db, default_actor(db), path, self._folder(f"out-{code}")))

    def _folder(self, name: str) -> Path:
        folder = self.root / name
        folder.mkdir(parents=True, exist_ok=True)
        return folder

    def _hands(self, node: Node) -> Workload:
        station = None if node.hq else node.code
        return Workload(node.db, node.actor, station, rng=self.rng, names=self.names, tally=self.result.tally)

    def round(self, number: int) -> None:
        for node in self.stations:
            if self.rng.random() < 0.3:
                self.back_up(node, number)
        for node in self.stations:
            hands = self._hands(node)
            hands.files_allowed = not (self.config.wait_after_restore and self.recovering(node))
            for _ in range(self.rng.randint(1, self.config.actions)):
                hands.station_step()
        assert self.hq is not None
        hq_hands = self._hands(self.hq)
        for _ in range(self.rng.randint(0, 2)):
            hq_hands.hq_step([node.code for node in self.stations])
        if self.rng.random() < 0.5:
            self.concurrent_edit()
        for node in self.stations:
            if node.backups and self.rng.random() < self.config.restore:
                self.restore(node)
        self.collect()
        self.exchange(number, clean=False)

    # ------------------------------------------------------------------------------------ actions
    def concurrent_edit(self) -> None:
        """The same file edited at its station and corrected at HQ in the same round: the same field or
        two different fields."""
        assert self.hq is not None
        node = self.rng.choice(self.stations)
        at_hq = {p.id: p for p in live_people(self.hq.db, node.code)}
        shared = [p for p in live_people(node.db, node.code) if p.id in at_hq]
        if not shared:
            return
        record = self.rng.choice(shared)
        names = ["phone", "address", "notes"]
        mine = self.rng.choice(names)
        theirs = mine if self.rng.random() < 0.5 else self.rng.choice([n for n in names if n != mine])
        action = "concurrent_same" if mine == theirs else "concurrent_other"
        for where, name, person in ((node, mine, record), (self.hq, theirs, at_hq[record.id])):
            value = field_value(self.rng, name, where.actor.station_code)
            data = person_data(person, **{name: value})

            def save(where: Node = where, data: PersonData = data, person_id: str = person.id) -> bool:
                return update_entrepreneur(where.db, where.actor, entrepreneur_id=person_id, person=data)

            self.result.tally.attempt(action, save)

    def back_up(self, node: Node, number: int) -> None:
        target = self._folder("backups") / f"{node.code}-{number:03d}-{len(node.backups)}.sqlite"
        back_up(node.db, node.actor, out=target)
        node.backups.append(target)

    def restore(self, node: Node) -> None:
        """The station's database replaced by one of its older backups (the program's own restore)."""
        assert node.path is not None
        source = self.rng.choice(node.backups)
        before = change_ids(node.db, own=True)
        self.made |= before
        node.db.close()
        restore_backup(source, target=node.path, safety_folder=self._folder("safety"))
        node.db = open_database(node.path)
        node.actor = default_actor(node.db)
        lost = before - change_ids(node.db, own=True)
        node.lost |= lost
        self.restored_away |= lost
        mode = self.config.epoch_on_restore
        if mode == "mixed":
            mode = "service" if self.rng.random() < 0.5 else "detect"
        if mode == "service":
            with node.db.transaction() as session:
                start_new_epoch(session, this_node(session))
        self.result.restores[mode] += 1

    def recovering(self, node: Node) -> bool:
        """Whether changes a restore took from this station, which a package had carried, are not back."""
        assert self.hq is not None
        # what a package carried may reach HQ late (a parcel in flight) and come back: wait for all of it
        waited = node.lost & node.exported
        return bool(waited) and bool(waited - change_ids(node.db, own=False))

    def collect(self) -> None:
        for node in self.nodes():
            self.made |= change_ids(node.db, own=True)

    def nodes(self) -> list[Node]:
        assert self.hq is not None
        return [self.hq, *self.stations]

    # ----------------------------------------------------------------------------------- exchange
    def exchange(self, now: int, *, clean: bool) -> int:
        """Stations export, HQ imports what arrived and replies, stations import what arrived; returns
        how many changes the packages written carried."""
        assert self.hq is not None
        carried = 0
        for node in self.stations:
            written = sync.export_package(node.db, node.actor, out_dir=node.outbox)
            if self.config.wait_after_restore:
                node.exported |= change_ids(node.db, own=True)
            carried += written.changes
            self.channel.send(written.path, HQ_CODE, now, clean=clean)
        self.deliver(self.hq, self.channel.deliver(HQ_CODE, now, shuffle=not clean))
        for node in self.stations:
            if not self.hq_knows(node.code):
                continue
            reply = sync.write_hq_reply(self.hq.db, self.hq.actor, code=node.code, out_dir=self.hq.outbox)
            carried += reply.changes
            self.channel.send(reply.path, node.code, now, clean=clean)
        for node in self.stations:
            self.deliver(node, self.channel.deliver(node.code, now, shuffle=not clean))
        return carried

    def deliver(self, node: Node, paths: list[Path]) -> None:
        for path in paths:
            try:
                sync.import_package(node.db, node.actor, path=path)
            except DoorstepError as refusal:
                self.result.refused[f"{node.code}：{refusal_kind(str(refusal))}"] += 1

    def hq_knows(self, code: str) -> bool:
        assert self.hq is not None
        with self.hq.db.reading() as session:
            peer = session.get(SyncPeer, code)
            return peer is not None and peer.sign is not None

    def final(self, now: int) -> None:
        """Late parcels arrive, then lossless exchanges in order until a round carries nothing and every
        station's digests agree with HQ's."""
        assert self.hq is not None
        self.deliver(self.hq, self.channel.flush(HQ_CODE))
        for node in self.stations:
            self.deliver(node, self.channel.flush(node.code))
        for extra in range(self.config.final_rounds):
            self.result.final_rounds = extra + 1
            carried = self.exchange(now + extra, clean=True)
            if carried == 0 and self.digests_differ() is None:
                return

    # ------------------------------------------------------------------------------------- checks
    def digests_differ(self) -> Disagreement | None:
        assert self.hq is not None
        for node in self.stations:
            ours = sync.agreement_digests(node.db, node.actor)
            theirs = sync.agreement_digests(self.hq.db, self.hq.actor, station=node.code)
            found = compare_digests(node.code, ours, theirs)
            if found is not None:
                return found
        return None

    def check(self) -> None:
        from desktop.services.sync.common import hq_kinds

        assert self.hq is not None
        self.collect()
        result = self.result
        result.disagreement = self.digests_differ()
        for node in self.stations:
            if result.disagreement is not None:
                break
            with node.db.reading() as session:
                leave = left_out(session)
            with self.hq.db.reading() as session:
                leave |= quarantined_of(session, node.code)
            result.disagreement = compare_shared(
                (node.code, shared_rows(node.db, node.code, HQ_CODE, hq_kinds(), leave)),
                (HQ_CODE, shared_rows(self.hq.db, node.code, HQ_CODE, hq_kinds(), leave)),
            )
        for node in self.nodes():
            if result.disagreement is not None:
                break
            result.disagreement = check_journal(node.code, node.db, self.templates, hq=node.hq)
        if result.disagreement is None:
            result.disagreement = merges_hold(self.hq, self.stations)
        result.accounts = account(self.made, self.restored_away, self.hq.db, [n.db for n in self.nodes()])
        for node in self.nodes():
            with node.db.reading() as session:
                result.conflicts += len(session.scalars(select(SyncConflict)).all())
                result.notices += len(session.scalars(select(SyncNotice)).all())
        result.channel = self.channel.counts
        result.ok = result.disagreement is None and not result.accounts.missing and not result.error

    def close(self) -> None:
        self.result.channel = self.channel.counts
        for node in self.nodes() if self.hq is not None else self.stations:
            node.db.close()
        if self.config.keep:
            self.result.workdir = self.root
        else:
            shutil.rmtree(self.root, ignore_errors=True)


def merges_hold(hq: Node, stations: list[Node]) -> Disagreement | None:
    """After HQ's merges of duplicate files: every node that holds a merged-away file knows its survivor
    and holds it, and no live record anywhere points to a merged-away file (docs/hq-duplicates.md)."""
    from desktop.sync_sim.merges import broken_links, merge_state, survivors_known

    problems: list[str] = []
    for node in (hq, *stations):
        problems += broken_links(node.code, node.db) + merge_state(node.code, node.db)
    problems += survivors_known(hq.db, {node.code: node.db for node in stations})
    if not problems:
        return None
    return Disagreement("merge", "entrepreneur", "", "merged_into", {"问题": "；".join(problems[:3])})


def where_raised(error: BaseException) -> str:
    """The exception and the program's own frames it came through (the last few), not the libraries'."""
    frames = [
        f"{Path(frame.filename).name}:{frame.lineno} {frame.name}"
        for frame in traceback.extract_tb(error.__traceback__)
        if "site-packages" not in frame.filename
    ]
    first = str(error).splitlines()[0] if str(error) else ""
    return f"{type(error).__name__}: {first}（经由 {' ← '.join(reversed(frames[-5:]))}）"


def refusal_kind(message: str) -> str:
    """A refusal's message without its numbers (so the report counts alike refusals together)."""
    import re

    return re.sub(r"\d+", "N", message)[:60]


def simulate(config: SimConfig, templates: ReplayTemplates | None = None) -> SimResult:
    return Simulation(config, templates).run()
