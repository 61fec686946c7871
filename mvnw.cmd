@REM Maven launcher for Gatehouse on Windows: the twin of ./mvnw (read that one for the why).
@REM Runs, in this order:
@REM   1. the pinned Apache Maven (mavenVersion in .mvn\wrapper\mvnw.properties) when it is already
@REM      unpacked in %MAVEN_USER_HOME%\wrapper (default %USERPROFILE%\.m2\wrapper);
@REM   2. the mvn on the PATH when it is 3.9 or newer;
@REM   3. otherwise fetches the pinned Maven through that older mvn (dependency:copy, from whatever
@REM      repositories it is configured with), unpacks it with Windows' own tar.exe (Windows 10+)
@REM      and runs it.
@REM No registry address is named here. Messages that show a path are echoed outside ( ) blocks,
@REM so that a ")" in a path cannot end a block early.
@echo off
setlocal EnableExtensions DisableDelayedExpansion

set "MVNW_PROPERTIES=%~dp0.mvn\wrapper\mvnw.properties"
set "MAVEN_VERSION="
if exist "%MVNW_PROPERTIES%" (
  for /f "usebackq eol=# tokens=1,* delims==" %%A in ("%MVNW_PROPERTIES%") do (
    if "%%A"=="mavenVersion" set "MAVEN_VERSION=%%B"
  )
)
if not defined MAVEN_VERSION goto noVersion

if defined MAVEN_USER_HOME (
  set "WRAPPER_HOME=%MAVEN_USER_HOME%\wrapper"
) else (
  set "WRAPPER_HOME=%USERPROFILE%\.m2\wrapper"
)
set "LOCAL_MAVEN=%WRAPPER_HOME%\apache-maven-%MAVEN_VERSION%\bin\mvn.cmd"
if exist "%LOCAL_MAVEN%" goto runLocal

@REM "Apache Maven 3.8.7 (...)": the word after "Maven" is the version (a colour code may precede "Apache").
@REM No version at all means no working mvn on the PATH.
set "SYSTEM_VERSION="
for /f "tokens=2,3" %%A in ('mvn -B -v 2^>nul') do (
  if "%%A"=="Maven" if not defined SYSTEM_VERSION set "SYSTEM_VERSION=%%B"
)
if not defined SYSTEM_VERSION goto noMaven
set "SYSTEM_MAJOR=0"
set "SYSTEM_MINOR=0"
for /f "tokens=1,2 delims=." %%A in ("%SYSTEM_VERSION%") do (
  set "SYSTEM_MAJOR=%%A"
  set "SYSTEM_MINOR=%%B"
)
if %SYSTEM_MAJOR% GTR 3 goto runSystem
if %SYSTEM_MAJOR% EQU 3 if %SYSTEM_MINOR% GEQ 9 goto runSystem

echo mvnw: system Maven %SYSTEM_VERSION% is older than 3.9; fetching Apache Maven %MAVEN_VERSION% into %WRAPPER_HOME% 1>&2
@REM (Folders are checked with "if exist" rather than "||", which not every cmd honours for built-ins.)
if not exist "%WRAPPER_HOME%\" mkdir "%WRAPPER_HOME%"
if not exist "%WRAPPER_HOME%\" goto noWrapperHome
@REM Run from the wrapper folder, so that no project's .mvn\maven.config reaches the older mvn.
pushd "%WRAPPER_HOME%"
call mvn -q -B dependency:copy "-Dartifact=org.apache.maven:apache-maven:%MAVEN_VERSION%:tar.gz:bin" "-DoutputDirectory=%WRAPPER_HOME%" -Dmdep.overWriteIfNewer=true 1>&2
set "FETCH_STATUS=%ERRORLEVEL%"
popd
if not "%FETCH_STATUS%"=="0" goto fetchFailed

@REM Windows' tar.exe by full path: a GNU tar earlier on the PATH (Git for Windows) takes "C:" for a host.
@REM Unpack beside the target and move it into place, so an interrupted unpack is never taken for a Maven.
set "ARCHIVE=%WRAPPER_HOME%\apache-maven-%MAVEN_VERSION%-bin.tar.gz"
set "UNPACK=%WRAPPER_HOME%\unpack-%RANDOM%%RANDOM%"
mkdir "%UNPACK%"
if not exist "%UNPACK%\" goto noWrapperHome
"%SystemRoot%\System32\tar.exe" -xzf "%ARCHIVE%" -C "%UNPACK%"
if errorlevel 1 goto unpackFailed
del /q "%ARCHIVE%"
if exist "%LOCAL_MAVEN%" goto unpacked
if exist "%WRAPPER_HOME%\apache-maven-%MAVEN_VERSION%\" rmdir /s /q "%WRAPPER_HOME%\apache-maven-%MAVEN_VERSION%"
move "%UNPACK%\apache-maven-%MAVEN_VERSION%" "%WRAPPER_HOME%\" >nul
:unpacked
rmdir /s /q "%UNPACK%"
if not exist "%LOCAL_MAVEN%" goto notUnpacked

:runLocal
call "%LOCAL_MAVEN%" %*
exit /b %ERRORLEVEL%

:runSystem
call mvn %*
exit /b %ERRORLEVEL%

:noVersion
echo mvnw: no mavenVersion=x.y.z line in %MVNW_PROPERTIES% 1>&2
exit /b 1

:noMaven
echo mvnw: no working 'mvn' on the PATH ('mvn -v' names no Apache Maven version). Install Apache Maven and put its bin folder on the PATH. 1>&2
exit /b 1

:noWrapperHome
echo mvnw: cannot create folders in %WRAPPER_HOME% 1>&2
exit /b 1

:fetchFailed
echo mvnw: fetching org.apache.maven:apache-maven:%MAVEN_VERSION%:tar.gz:bin through the mvn on the PATH failed 1>&2
exit /b 1

:unpackFailed
echo mvnw: could not unpack %ARCHIVE% with %SystemRoot%\System32\tar.exe, which Windows 10 and newer ship 1>&2
rmdir /s /q "%UNPACK%"
exit /b 1

:notUnpacked
echo mvnw: %LOCAL_MAVEN% is missing after unpacking %ARCHIVE% 1>&2
exit /b 1
