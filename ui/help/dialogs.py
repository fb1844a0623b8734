"""F1 help per page and 关于 (version, the bundled fonts and libraries with their licences)."""

from __future__ import annotations

from importlib import metadata
from pathlib import Path

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QTabWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from resources import resource_path
from ui.widgets.dialogs import settle_minimum_size

LIBRARIES: tuple[tuple[str, str, str], ...] = (
    ("PySide6 (Qt for Python)", "LGPL-3.0（动态链接，可替换）", "https://www.qt.io/qt-for-python"),
    ("SQLAlchemy", "MIT", "https://www.sqlalchemy.org"),
    ("SQLModel", "MIT", "https://sqlmodel.tiangolo.com"),
    ("pydantic", "MIT", "https://docs.pydantic.dev"),
    ("Alembic", "MIT", "https://alembic.sqlalchemy.org"),
    ("ReportLab / rl-accel", "BSD-3-Clause", "https://www.reportlab.com"),
    ("openpyxl", "MIT", "https://openpyxl.readthedocs.io"),
    ("defusedxml", "PSF-2.0", "https://github.com/tiran/defusedxml"),
    ("python-stdnum", "LGPL-2.1-or-later", "https://arthurdejong.org/python-stdnum/"),
    ("pypinyin", "MIT", "https://github.com/mozillazg/python-pinyin"),
    ("platformdirs", "MIT", "https://github.com/tox-dev/platformdirs"),
    ("uuid6", "MIT", "https://github.com/oittaa/uuid6-python"),
    (
        "QtAwesome（图标：Material Design Icons）",
        "MIT；图标 Apache-2.0",
        "https://github.com/spyder-ide/qtawesome",
    ),
    ("segno", "BSD-3-Clause", "https://github.com/heuer/segno"),
    ("cryptography", "Apache-2.0 或 BSD-3-Clause", "https://cryptography.io"),
    ("argon2-cffi", "MIT", "https://argon2-cffi.readthedocs.io"),
    ("rfc8785", "Apache-2.0", "https://github.com/trailofbits/rfc8785.py"),
    ("pyrage（age 加密）", "MIT 或 Apache-2.0", "https://github.com/woodruffw/pyrage"),
    ("psycopg", "LGPL-3.0-only", "https://www.psycopg.org"),
    ("Starlette（总部数据接收页）", "BSD-3-Clause", "https://www.starlette.io"),
    ("uvicorn", "BSD-3-Clause", "https://uvicorn.dev"),
    ("python-multipart", "Apache-2.0", "https://github.com/Kludex/python-multipart"),
    ("SQLite", "公有领域（Public Domain）", "https://sqlite.org"),
    ("Python", "PSF-2.0", "https://www.python.org"),
)
"""What the installed program carries, and under which licence (checked against pyproject.toml by
tests/ui/test_shell_firstday.py)."""

FONTS: tuple[tuple[str, str, str], ...] = (
    ("文泉驿微米黑 WenQuanYi Micro Hei", "Apache-2.0（或 GPL-3+ 附字体例外）", "LICENSE-wqy-microhei.txt"),
    (
        "Doorstep Ext A / Ext B（花园明朝 Hanazono 的子集）",
        "Hanazono Font License 或 SIL OFL 1.1",
        "LICENSE-hanazono.txt",
    ),
)


def help_text(page_key: str) -> str:
    """The page's help (Markdown), or a pointer to 设置 for a page that has none yet."""
    path = resource_path("help", f"{page_key}.md")
    try:
        return path.read_text(encoding="utf-8")
    except OSError:
        return "# 帮助\n\n这一页还没有帮助说明。常用快捷键：Ctrl+1…8 切换页面，Ctrl+K 找人，Ctrl+Q 退出。"


SHORTCUTS = """
## 常用快捷键

| 按键 | 作用 |
|---|---|
| Ctrl+1 … Ctrl+8 | 切换到左侧的第 1…8 个页面 |
| Ctrl+K | 找人（姓名、拼音、身份证尾号或电话） |
| Ctrl+Shift+V | 快速记一次走访 |
| F1 | 本页帮助 |
| Ctrl+Q | 退出（会按设置自动备份） |
"""


class HelpDialog(QDialog):
    def __init__(self, page_key: str, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("帮助 — {0}").format(title))
        layout = QVBoxLayout(self)
        self.browser = QTextBrowser(self)
        self.browser.setOpenExternalLinks(True)
        self.browser.setMarkdown(help_text(page_key) + "\n" + SHORTCUTS)
        layout.addWidget(self.browser, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.resize(620, 520)
        settle_minimum_size(self)


def version() -> str:
    try:
        return metadata.version("doorstep")
    except metadata.PackageNotFoundError:  # a frozen build without its metadata
        return "0.1.0"


def about_markdown() -> str:
    from PySide6 import __version__ as pyside_version
    from PySide6.QtCore import qVersion

    lines = [
        "# 家门口创业服务台 Doorstep",
        "",
        f"版本 {version()}（Qt {qVersion()}，PySide6 {pyside_version}）",
        "",
        "服务站离线使用的创业服务台账：档案、走访、培训、政策与补贴、统计报表。数据只保存在这台电脑上，"
        "请在“设置”中定期备份到U盘。",
        "",
        "## 随程序附带的字体",
        "",
        "| 字体 | 许可 |",
        "|---|---|",
        *(f"| {name} | {licence}（见 {file}） |" for name, licence, file in FONTS),
        "",
        "## 使用的开源软件",
        "",
        "| 软件 | 许可 |",
        "|---|---|",
        *(f"| [{name}]({url}) | {licence} |" for name, licence, url in LIBRARIES),
        "",
        "PySide6 与 Qt 按 LGPL-3.0 使用：程序动态链接 Qt 库，用户可以替换为自己编译的版本；"
        "Qt 源代码见 https://download.qt.io 。",
    ]
    return "\n".join(lines)


class AboutDialog(QDialog):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("关于 Doorstep"))
        layout = QVBoxLayout(self)
        tabs = QTabWidget(self)
        self.about = QTextBrowser(tabs)
        self.about.setOpenExternalLinks(True)
        self.about.setMarkdown(about_markdown())
        tabs.addTab(self.about, self.tr("关于"))
        for _name, _licence, file in FONTS:
            text = QTextBrowser(tabs)
            text.setPlainText(_read(resource_path("fonts", file)))
            tabs.addTab(text, file.removeprefix("LICENSE-").removesuffix(".txt"))
        layout.addWidget(tabs, 1)
        layout.addWidget(QLabel(self.tr("© Doorstep 项目，按 Apache-2.0 许可发布"), self))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.resize(720, 560)
        settle_minimum_size(self)


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except OSError as error:
        return f"找不到许可文件 {path}：{error.strerror or error}"
