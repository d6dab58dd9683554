"""What the ``ecosim`` commands print: rich tables and lines drawn from their results.

One module per command (``run``, ``value``, ``flywheel``, ``experiment``...); every function
takes the console to print to and the results to show, never parses options and never
simulates. :mod:`ecosim.cli` parses, calls the library and hands the results here.
"""
