"""Pure numerical core: divergences, significance tests, noise floors and quantiles.

Nothing here knows about columns, files, configs or reports: functions take numpy arrays and
plain numbers. Everything above (evaluation, config, fitting) builds on these.
"""
