@echo off
"%~dp0python\python.exe" "%~dp0plugin.py" %*
