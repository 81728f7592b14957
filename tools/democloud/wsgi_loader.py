"""Gunicorn entry point for the OpenStack WSGI apps of the democloud.

oslo.config parses sys.argv, and gunicorn's own arguments would make it
fail, so clear sys.argv before importing the real WSGI module named by
DEMOCLOUD_WSGI_MODULE (e.g. keystone.wsgi.api, nova.wsgi.osapi_compute).
"""
import importlib
import os
import sys

sys.argv = [sys.argv[0] if sys.argv else 'democloud-wsgi']
application = importlib.import_module(
    os.environ['DEMOCLOUD_WSGI_MODULE']).application
