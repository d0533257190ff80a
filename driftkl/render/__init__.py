"""Presentations of a report: plain-text and Markdown tables, HTML, matplotlib plots.

Renderers are typed against the small read-only protocols of :mod:`driftkl.render.views`,
never against :mod:`driftkl.model`, so the model can delegate to them without a cycle.
"""
