import factory

from eic.jobs.models import JobFile, JobRun

from .base import Factory


class JobRunFactory(Factory):
    class Meta:
        model = JobRun

    job_id = "capacity.snapshot"
    period = factory.Sequence(lambda n: f"2026-01-{n % 28 + 1:02d}#{n}")
    status = "succeeded"


class JobFileFactory(Factory):
    class Meta:
        model = JobFile

    job_id = "coverage.weekly_workbook"
    name = factory.Sequence(lambda n: f"coverage-2026-W{n % 52 + 1:02d}-{n}.xlsx")
    period = factory.Sequence(lambda n: f"2026-W{n % 52 + 1:02d}")
    language = "kk"
    media_type = "application/octet-stream"
    content = b"PK"
    size = 2
