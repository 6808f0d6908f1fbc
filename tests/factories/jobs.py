import factory

from eic.jobs.models import JobRun

from .base import Factory


class JobRunFactory(Factory):
    class Meta:
        model = JobRun

    job_id = "capacity.snapshot"
    period = factory.Sequence(lambda n: f"2026-01-{n % 28 + 1:02d}#{n}")
    status = "succeeded"
