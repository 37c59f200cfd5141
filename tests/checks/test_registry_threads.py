"""The exercise registry loads once, even when grading threads ask for it at the same time."""
import json
import subprocess
import sys
import textwrap


def test_threads_asking_at_once_all_see_every_exercise():
    # A fresh interpreter: the registry must not be loaded yet when the threads start.
    code = textwrap.dedent("""
        import json
        import threading
        from course._grading import registry

        barrier = threading.Barrier(8)
        counts = []

        def ask():
            barrier.wait()
            counts.append(len(registry.all_exercises()))

        threads = [threading.Thread(target=ask) for _ in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        print(json.dumps([sorted(counts), len(registry.all_exercises())]))
    """)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout
    counts, total = json.loads(out)
    assert total >= 20
    assert counts == [total] * 8
