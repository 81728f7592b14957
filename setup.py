# All metadata lives in setup.cfg; this file exists for tools (and pip
# editable installs on older setuptools) that still look for it.
import setuptools

setuptools.setup()
