"""The little GraphQL client the measuring scripts share: one POST per call, timed."""

import json
import statistics
import time
import urllib.request


class Client:
    def __init__(self, base):
        self.base = base

    def call(self, query, variables=None, token=None):
        """Returns (data, milliseconds); stops the script on any GraphQL error."""
        body = json.dumps({"query": query, "variables": variables or {}}).encode()
        request = urllib.request.Request(self.base + "/graphql", data=body, method="POST")
        request.add_header("Content-Type", "application/json")
        if token:
            request.add_header("Authorization", "Bearer " + token)
        started = time.perf_counter()
        with urllib.request.urlopen(request) as response:
            result = json.load(response)
        elapsed = (time.perf_counter() - started) * 1000
        if "errors" in result:
            raise SystemExit(f"GraphQL errors: {result['errors']}")
        return result["data"], elapsed


def report(name, samples):
    samples = sorted(samples)
    p95 = samples[min(len(samples) - 1, int(len(samples) * 0.95))]
    print(f"{name:<24} n={len(samples):<5} median={statistics.median(samples):7.2f} ms  p95={p95:7.2f} ms")
