import time
from tests.api.conftest import WORKER

def test_batch_500(platform):
    platform.enrol(WORKER)
    start = time.perf_counter()
    r = platform.contribute(*[(WORKER, 100, f"job-{n}") for n in range(500)])
    assert r.status_code == 201
    print("batch 500:", time.perf_counter() - start)
    start = time.perf_counter()
    r = platform.get("/contributions", limit=200)
    print("list 200:", time.perf_counter() - start)
