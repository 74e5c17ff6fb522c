; Inno Setup script: a Windows installer for the one-folder bundle.
;
; Build the bundle on Windows first (packaging/README.md), then from the repository's root:
;     "C:\Program Files (x86)\Inno Setup 6\ISCC.exe" /DAppVersion=0.1.0 packaging\windows\pos-companion.iss
; which writes dist\pos-companion-0.1.0-setup.exe. The installer puts the program in Program Files,
; adds Start-menu and optional desktop shortcuts, runs the self-test at the end, and leaves every
; register's database, settings and backups (%LOCALAPPDATA%\pos-companion) in place on uninstall.

#ifndef AppVersion
  #define AppVersion "0.1.0"
#endif

[Setup]
AppId={{8B6E3C1A-4F2D-4E8B-9C61-2A7D5E0F9B14}
AppName=pos-companion
AppVersion={#AppVersion}
AppPublisher=pos-companion
DefaultDirName={autopf}\pos-companion
DefaultGroupName=pos-companion
DisableProgramGroupPage=yes
OutputDir=..\..\dist
OutputBaseFilename=pos-companion-{#AppVersion}-setup
SetupIconFile=..\..\pos_app\resources\icons\pos-companion.ico
UninstallDisplayIcon={app}\pos-companion-window.exe
Compression=lzma2
SolidCompression=yes
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
PrivilegesRequired=admin
WizardStyle=modern

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"

[Files]
Source: "..\..\dist\pos-companion\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{group}\pos-companion"; Filename: "{app}\pos-companion-window.exe"
Name: "{group}\pos-companion demo"; Filename: "{app}\pos-companion-window.exe"; Parameters: "--demo"
Name: "{group}\Check this register (doctor)"; Filename: "{cmd}"; Parameters: "/k ""{app}\pos-companion.exe"" doctor"
Name: "{autodesktop}\pos-companion"; Filename: "{app}\pos-companion-window.exe"; Tasks: desktopicon

[Run]
Filename: "{app}\pos-companion.exe"; Parameters: "--self-test"; StatusMsg: "Checking the installation..."; Flags: runhidden waituntilterminated
Filename: "{app}\pos-companion-window.exe"; Description: "Start pos-companion"; Flags: nowait postinstall skipifsilent
