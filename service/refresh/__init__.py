"""The refresh pipeline, one module per stage: params → runs → pipeline → stages.

Read :mod:`service.refresh.pipeline` first: ``run_refresh`` claims a run and
``run_stages`` shows every stage in order (projection, communities, leaders, write,
influence, seeds), each passing a typed, immutable result to the next.
"""
