import gc

gc.disable()  # from the very start, imports included; the CLI resumes it (see cli._resume_gc)

from conformcheck.cli import main  # noqa: E402 - after pausing the garbage collector

main(gc_paused=True)
