<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<!-- Qt's own zh_CN words that differ from today's standard usage (通用规范汉字表: 撤销, not 撤消), and the
     few whose source text Qt 6.12 changed so that qtbase_zh_CN.qm no longer has them.
     Loaded after qtbase_zh_CN.qm (ui/app.py), so these win. Build: pyside6-lrelease this file. -->
<TS version="2.1" language="zh_CN">
<context>
    <name>QLineEdit</name>
    <message><source>&amp;Undo</source><translation>撤销(&amp;U)</translation></message>
</context>
<context>
    <name>QFileDialog</name>
    <message><source>&amp;Look in:</source><translation>查找范围(&amp;L)：</translation></message>
    <message><source>Files of &amp;type:</source><translation>文件类型(&amp;T)：</translation></message>
</context>
<context>
    <name>QPrintSettingsOutput</name>
    <message><source>Page &amp;Set:</source><translation>打印范围(&amp;S)：</translation></message>
</context>
<context>
    <name>QWidgetTextControl</name>
    <message><source>&amp;Undo</source><translation>撤销(&amp;U)</translation></message>
</context>
<context>
    <name>QUndoStack</name>
    <message><source>Undo %1</source><translation>撤销 %1</translation></message>
    <message><source>Undo</source><translation>撤销</translation></message>
</context>
<context>
    <name>QUndoModel</name>
    <message><source>&lt;empty&gt;</source><translation>&lt;空&gt;</translation></message>
</context>
</TS>
