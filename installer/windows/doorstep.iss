; Inno Setup 6 script: wraps dist\Doorstep (from installer\build.sh) into a per-user installer.
#define AppVersion "0.1.0"

[Setup]
AppId={{6B1C2A4E-3F0D-4C52-9B7E-D0057E9A0001}
AppName=家门口创业服务台 Doorstep
AppVersion={#AppVersion}
AppPublisher=Doorstep
DefaultDirName={autopf}\Doorstep
DefaultGroupName=家门口创业服务台
PrivilegesRequired=lowest
OutputBaseFilename=Doorstep-Setup-{#AppVersion}
Compression=lzma2
SolidCompression=yes
WizardStyle=modern

[Languages]
Name: "chinesesimplified"; MessagesFile: "compiler:Languages\ChineseSimplified.isl"

[Files]
Source: "..\..\dist\Doorstep\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{group}\家门口创业服务台"; Filename: "{app}\doorstep.exe"; Parameters: "gui"
Name: "{autodesktop}\家门口创业服务台"; Filename: "{app}\doorstep.exe"; Parameters: "gui"

[Run]
Filename: "{app}\doorstep.exe"; Parameters: "gui"; Description: "启动家门口创业服务台"; Flags: nowait postinstall skipifsilent
