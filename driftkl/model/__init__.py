"""The data model: bins, profiles and reports (frozen values with their JSON forms).

A profile is what fitting produces and evaluation reads; a report is what evaluation produces
and the CLI, Airflow and Prometheus read. Rendering is delegated to :mod:`driftkl.render`.
"""
