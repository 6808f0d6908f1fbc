"""The drill's scheduled job (EIC_SCHEDULER_EXTRA_JOBS=tests.ops.drill_jobs): fires every 20 seconds, one
period per 20 seconds, and takes a few seconds, so that the drill can kill the leader in the middle of a run."""
import time

from eic.jobs.scheduler import Job

PERIOD_SECONDS = 20
RUN_SECONDS = 4


def twenty_seconds(now) -> str:
    return f"{int(now.timestamp()) // PERIOD_SECONDS}"


def tick(now) -> str:
    time.sleep(RUN_SECONDS)  # the work: long enough to be caught in the middle
    return "tick"


JOBS = [Job("drill.tick", tick, {"second": f"*/{PERIOD_SECONDS}"}, twenty_seconds, "drill tick")]
